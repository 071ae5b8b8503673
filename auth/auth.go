package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// RoleAdmin is Kylin's administrator authority: writes to the metastore,
// user records and ACLs need it.
const RoleAdmin = "ROLE_ADMIN"

// ErrUnauthenticated says the credentials are missing, malformed or wrong.
// Handlers answer 401.
var ErrUnauthenticated = errors.New("auth: authentication required")

// Principal is who a request authenticated as.
type Principal struct {
	Name  string
	Roles []string
}

// Has reports whether p holds role.
func (p Principal) Has(role string) bool { return slices.Contains(p.Roles, role) }

// Authenticator checks credentials. It returns an error wrapping
// ErrUnauthenticated when they do not identify anyone, and another error
// when it could not tell (the user store did not answer).
type Authenticator interface {
	Authenticate(ctx context.Context, c Credentials) (Principal, error)
}

// AllowAll accepts every request, with or without credentials, as an
// administrator named "anonymous". It is the explicit way to turn
// authentication off (Kylin's own /api/cache is open like this).
var AllowAll Authenticator = allowAll{}

type allowAll struct{}

func (allowAll) Authenticate(context.Context, Credentials) (Principal, error) {
	return Principal{Name: "anonymous", Roles: []string{RoleAdmin}}, nil
}

// Chain tries each Authenticator in order, as Spring's ProviderManager
// does: the first that accepts wins; one that does not handle the scheme
// or rejects the credentials passes to the next. When none accepts, Chain
// returns the first error that was not a rejection (a user store that did
// not answer), else the last rejection.
type Chain []Authenticator

// Authenticate implements Authenticator.
func (ch Chain) Authenticate(ctx context.Context, c Credentials) (Principal, error) {
	var failed, rejected error
	for _, a := range ch {
		p, err := a.Authenticate(ctx, c)
		switch {
		case err == nil:
			return p, nil
		case isSchemeError(err):
		case errors.Is(err, ErrUnauthenticated):
			rejected = err
		case failed == nil:
			failed = err
		}
	}
	switch {
	case failed != nil:
		return Principal{}, failed
	case rejected != nil:
		return Principal{}, rejected
	}
	return Principal{}, unauthenticated(c)
}

// unauthenticated is the error for credentials nobody accepts.
func unauthenticated(c Credentials) error {
	if c.Scheme == "" {
		return fmt.Errorf("%w: no credentials; send Basic user:password or a Bearer token", ErrUnauthenticated)
	}
	return fmt.Errorf("%w: %s credentials are not accepted here", ErrUnauthenticated, c.Scheme)
}
