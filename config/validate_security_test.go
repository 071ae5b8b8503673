package config

import (
	"strings"
	"testing"
)

// A sender/receiver credential mismatch is named before the node starts.
func TestValidateCredentialMismatch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props map[string]string
		want  string // "" = valid
	}{
		{"basic peers, user store", map[string]string{
			"kylin.server.cluster-servers": "ADMIN:KYLIN@a:7070", "kylin.go.broadcast.require-auth": "true"}, ""},
		{"basic peers, token only", map[string]string{
			"kylin.server.cluster-servers": "ADMIN:KYLIN@a:7070,b:7070", "kylin.go.broadcast.token": "t0k",
			"kylin.go.security.users": "none"},
			"entry ADMIN:***@a:7070 sends Basic credentials, but kylin.go.security.users=none accepts only the bearer token"},
		{"auth required, nothing to send", map[string]string{
			"kylin.server.cluster-servers": "a:7070", "kylin.go.broadcast.require-auth": "true"},
			"entry a:7070 of kylin.server.cluster-servers has no user:password@ and kylin.go.broadcast.token is empty"},
		{"token peers", map[string]string{
			"kylin.server.cluster-servers": "a:7070", "kylin.go.broadcast.token": "t0k", "kylin.go.security.users": "none"}, ""},
		{"no way in", map[string]string{"kylin.go.security.users": "none"}, "nobody could write"},
		{"unknown users", map[string]string{"kylin.go.security.users": "ldap"}, "must be metastore"},
		{"half tls", map[string]string{"kylin.go.http.tls-cert": "/c.pem"}, "must be set together"},
		{"tiny headers", map[string]string{"kylin.go.http.max-header-bytes": "10"}, "must be at least 1024"},
	} {
		c, err := FromMap(tc.props, site)
		if err == nil {
			err = c.Validate()
		}
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		case err != nil && (strings.Contains(err.Error(), "KYLIN") || strings.Contains(err.Error(), "t0k")):
			t.Errorf("%s: error shows a secret: %v", tc.name, err)
		}
	}
}
