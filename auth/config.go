package auth

import "github.com/kylin-go/kylin/config"

// ForAPI returns the Authenticator of a node's API as cfg describes it:
// AllowAll when kylin.go.security.disabled=true; otherwise Kylin's user
// records read through users (kylin.go.security.users=metastore) and the
// bearer token (kylin.go.broadcast.token), which grants ROLE_ADMIN.
func ForAPI(cfg config.Config, users UserGetter, opts ...UserStoreOption) Authenticator {
	if cfg.Security.Disabled {
		return AllowAll
	}
	return checkers(cfg, users, opts)
}

// ForCacheEndpoint returns the Authenticator of a node's cache-sync
// endpoint (cluster.Handler): AllowAll, as Kylin ships it, unless
// kylin.go.broadcast.require-auth=true or a token is set; then the same
// checks as ForAPI, any authenticated principal being enough.
func ForCacheEndpoint(cfg config.Config, users UserGetter, opts ...UserStoreOption) Authenticator {
	if !cfg.Broadcast.RequireAuth && cfg.Broadcast.Token.IsZero() {
		return AllowAll
	}
	return checkers(cfg, users, opts)
}

func checkers(cfg config.Config, users UserGetter, opts []UserStoreOption) Chain {
	var ch Chain
	if cfg.Security.Users != "none" && users != nil {
		ch = append(ch, NewUserStore(users, opts...))
	}
	if !cfg.Broadcast.Token.IsZero() {
		ch = append(ch, Bearer{Token: cfg.Broadcast.Token, Roles: []string{RoleAdmin}})
	}
	return ch
}
