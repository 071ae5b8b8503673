package config

import "fmt"

// security checks the API's authentication and whether the credentials
// this node sends to its peers are ones a node configured like this one
// accepts (peers usually share the file).
func (v *validator) security() {
	s, b := v.c.Security, v.c.Broadcast
	if s.Users == "none" && b.Token.IsZero() && !s.Disabled {
		v.check(false, keyForField("Security.Users"), s.Users,
			"accepts no Basic credentials and kylin.go.broadcast.token is empty, so nobody could write: set a token, use metastore, or set kylin.go.security.disabled=true")
	}
	receiverChecks := b.RequireAuth || !b.Token.IsZero()
	for _, a := range v.c.Server.ClusterServers {
		switch {
		case a.User != "" && s.Users == "none" && receiverChecks:
			v.check(false, keyForField("Server.ClusterServers"), joinServers(v.c.Server.ClusterServers),
				fmt.Sprintf("entry %s sends Basic credentials, but kylin.go.security.users=none accepts only the bearer token: set kylin.go.security.users=metastore or drop user:password@ from the entry", a))
		case a.User == "" && b.RequireAuth && b.Token.IsZero():
			v.check(false, keyForField("Broadcast.RequireAuth"), "true",
				fmt.Sprintf("the cache endpoint requires credentials, but entry %s of kylin.server.cluster-servers has no user:password@ and kylin.go.broadcast.token is empty, so this node would send it events without any: add user:password@ or set the token", a))
		}
	}
}

// users checks the Security section alone.
func (v *validator) users() {
	s := v.c.Security
	v.check(s.Users == "metastore" || s.Users == "none", keyForField("Security.Users"), s.Users,
		"must be metastore (Kylin's /user/<NAME> records) or none (only kylin.go.broadcast.token)")
}

func (v *validator) broadcastTLS() {
	b := v.c.Broadcast
	v.check(b.Scheme == "http" || b.Scheme == "https", keyForField("Broadcast.Scheme"), b.Scheme, "must be http or https")
	if b.TLSCAFile != "" {
		v.check(b.Scheme == "https", keyForField("Broadcast.TLSCAFile"), b.TLSCAFile,
			"is used only with kylin.go.broadcast.scheme=https; set it, or remove the CA file")
	}
}

func (v *validator) http() {
	h := v.c.HTTP
	v.positiveMs(h.ReadHeaderTimeout, "HTTP.ReadHeaderTimeout")
	v.positiveMs(h.ReadTimeout, "HTTP.ReadTimeout")
	v.positiveMs(h.WriteTimeout, "HTTP.WriteTimeout")
	v.positiveMs(h.IdleTimeout, "HTTP.IdleTimeout")
	v.atLeast(int64(h.MaxHeaderBytes), 1024, "HTTP.MaxHeaderBytes")
	if (h.TLSCertFile == "") != (h.TLSKeyFile == "") {
		v.check(false, keyForField("HTTP.TLSCertFile"), h.TLSCertFile,
			"kylin.go.http.tls-cert and kylin.go.http.tls-key must be set together")
	}
}
