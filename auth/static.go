package auth

import (
	"context"
	"crypto/subtle"
	"fmt"

	"github.com/kylin-go/kylin/secret"
)

// Basic accepts one user with one password (static credentials), granting
// Roles. Only Basic credentials are handled; the compare is constant-time.
type Basic struct {
	User     string
	Password secret.String
	Roles    []string
}

// Authenticate implements Authenticator.
func (b Basic) Authenticate(_ context.Context, c Credentials) (Principal, error) {
	if c.Scheme != SchemeBasic {
		return Principal{}, notHandled(c)
	}
	userOK := subtle.ConstantTimeCompare([]byte(c.User), []byte(b.User))
	passOK := subtle.ConstantTimeCompare([]byte(c.Password.Reveal()), []byte(b.Password.Reveal()))
	if b.User == "" || userOK&passOK != 1 {
		return Principal{}, fmt.Errorf("%w: wrong user or password", ErrUnauthenticated)
	}
	return Principal{Name: b.User, Roles: b.Roles}, nil
}

// Bearer accepts one shared token, granting Roles. Only Bearer credentials
// are handled; the compare is constant-time. An empty Token accepts
// nothing.
type Bearer struct {
	Token secret.String
	Roles []string
}

// Authenticate implements Authenticator.
func (b Bearer) Authenticate(_ context.Context, c Credentials) (Principal, error) {
	if c.Scheme != SchemeBearer {
		return Principal{}, notHandled(c)
	}
	if b.Token.IsZero() || !b.Token.Equal(c.Token.Reveal()) {
		return Principal{}, fmt.Errorf("%w: wrong token", ErrUnauthenticated)
	}
	return Principal{Name: "token", Roles: b.Roles}, nil
}
