package config

import (
	"fmt"
	"strings"
)

// MetadataURL is a parsed kylin.metadata.url, following Kylin's StorageURL:
// IDENTIFIER@SCHEME[,k=v...].
type MetadataURL struct {
	Identifier string            // text before the last '@'; "kylin_metadata" when empty
	Scheme     string            // "" for a local path
	Params     map[string]string // never nil
}

// ParseMetadataURL parses s the way Kylin's StorageURL does: split on ',',
// the first part at the last '@', each later part at the first '='.
func ParseMetadataURL(s string) (MetadataURL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return MetadataURL{}, fmt.Errorf("config: empty metadata URL: set kylin.metadata.url, e.g. kylin_metadata@hbase")
	}
	parts := strings.Split(s, ",")
	u := MetadataURL{Params: map[string]string{}}
	head := strings.TrimSpace(parts[0])
	if i := strings.LastIndex(head, "@"); i >= 0 {
		u.Identifier, u.Scheme = strings.TrimSpace(head[:i]), strings.TrimSpace(head[i+1:])
	} else {
		u.Identifier = head
	}
	if u.Identifier == "" {
		u.Identifier = "kylin_metadata"
	}
	for _, p := range parts[1:] {
		if strings.TrimSpace(p) == "" {
			continue // Java's split drops trailing empty parts; we drop all
		}
		k, v, _ := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		if k == "" {
			return MetadataURL{}, fmt.Errorf("config: metadata URL %s: parameter %s has no name; write key=value", quote(redactMetadataURL(s)), quote(p))
		}
		u.Params[k] = strings.TrimSpace(v)
	}
	return u, nil
}

// String formats u back into Kylin's form, parameters in sorted order,
// with the value of every credential parameter (password=...) shown as
// "***", so a logged URL never leaks it. Full keeps them.
func (u MetadataURL) String() string { return redactMetadataURL(u.Full()) }

// Full formats u back into Kylin's form, parameters in sorted order,
// credentials included: use it to hand the URL to a driver, never to log.
func (u MetadataURL) Full() string {
	var b strings.Builder
	b.WriteString(u.Identifier)
	// An identifier holding '@' needs the separator even with no scheme,
	// or the last '@' would split the identifier itself.
	if u.Scheme != "" || strings.Contains(u.Identifier, "@") {
		b.WriteString("@" + u.Scheme)
	}
	for _, k := range sortedKeys(u.Params) {
		b.WriteString("," + k + "=" + u.Params[k])
	}
	return b.String()
}
