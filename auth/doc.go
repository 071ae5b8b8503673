// Package auth checks the credentials of HTTP requests the way Kylin 3.x
// does, so a Go node and a Kylin node accept each other's calls.
//
// An Authenticator turns Credentials (parsed from the Authorization
// header: Basic per RFC 7617, Bearer per RFC 6750, scheme names matched
// case-insensitively per RFC 7235) into a Principal with roles. Three
// implementations:
//
//   - UserStore: Kylin's user records, /user/<NAME> in the metastore
//     (ManagedUser JSON with a bcrypt password), as Kylin's default
//     "testing" security profile keeps them. Verified passwords are
//     cached briefly and boundedly so bcrypt does not run per request.
//   - Basic: one fixed user and password (static credentials).
//   - Bearer: a shared token.
//
// Chain tries several in turn; AllowAll accepts everything and is the
// explicit way to turn authentication off. Require wraps an http.Handler:
// 401 with a Basic challenge (which Kylin's RestClient waits for before it
// sends its credentials) when credentials are missing or wrong, 403 when
// the principal lacks the role.
//
// The package sits below cluster (whose cache-sync Handler takes an
// Authenticator) and beside the metastore it reads users from: it knows
// HTTP and Kylin's user records, nothing of broadcasts or jobs, so a host
// application can protect its own routes with it too.
package auth
