package auth

import (
	"context"
	"errors"
	"net/http"
)

// Realm is the realm of the Basic challenge.
const Realm = "Kylin"

type principalKey struct{}

// FromContext returns the principal Require stored in the request context.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Check authenticates r with a. AllowAll accepts r even with a malformed
// Authorization header.
func Check(ctx context.Context, a Authenticator, r *http.Request) (Principal, error) {
	c, err := FromRequest(r)
	if _, open := a.(allowAll); open {
		return a.Authenticate(ctx, Credentials{})
	}
	if err != nil {
		return Principal{}, err
	}
	return a.Authenticate(ctx, c)
}

// Require serves next only to requests a authenticates and, when role is
// not empty, whose principal holds role. Otherwise it answers 401 with a
// Basic challenge (Kylin's RestClient sends its credentials only after
// one), 403 for a missing role, or 503 when a could not tell (the user
// store did not answer); next does not run. A nil a is a programming
// error: pass AllowAll to turn authentication off.
func Require(a Authenticator, role string, next http.Handler) http.Handler {
	if a == nil {
		panic("auth: Require with a nil Authenticator; pass auth.AllowAll to turn authentication off")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := Authorize(w, r, a, role)
		if !ok {
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// Authorize is Require for one request: it authenticates r and, when that
// fails or the role is missing, writes the refusal and returns false.
func Authorize(w http.ResponseWriter, r *http.Request, a Authenticator, role string) (Principal, bool) {
	p, err := Check(r.Context(), a, r)
	switch {
	case errors.Is(err, ErrUnauthenticated):
		Challenge(w, err.Error())
		return Principal{}, false
	case err != nil:
		http.Error(w, "auth: could not check the credentials: "+err.Error(), http.StatusServiceUnavailable)
		return Principal{}, false
	case role != "" && !p.Has(role):
		http.Error(w, "auth: user "+p.Name+" lacks "+role, http.StatusForbidden)
		return Principal{}, false
	}
	return p, true
}

// Challenge answers 401 with the Basic challenge (RFC 7617) and msg.
func Challenge(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Basic realm="`+Realm+`", charset="UTF-8"`)
	http.Error(w, msg, http.StatusUnauthorized)
}
