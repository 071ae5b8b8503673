package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/kylin-go/kylin/secret"
)

// Schemes of the Authorization header.
const (
	SchemeBasic  = "Basic"
	SchemeBearer = "Bearer"
)

// maxHeaderValue bounds the Authorization value parsed.
const maxHeaderValue = 8 << 10

// Credentials are what a request presents. Scheme is SchemeBasic (User and
// Password set), SchemeBearer (Token set) or empty when the request carries
// no Authorization header.
type Credentials struct {
	Scheme   string
	User     string
	Password secret.String
	Token    secret.String
}

// ErrMalformed says an Authorization header could not be parsed; it is
// also an ErrUnauthenticated.
var ErrMalformed = fmt.Errorf("%w: malformed Authorization header", ErrUnauthenticated)

// FromRequest parses r's Authorization header. A request without one gives
// empty Credentials and no error.
func FromRequest(r *http.Request) (Credentials, error) {
	vals := r.Header.Values("Authorization")
	switch len(vals) {
	case 0:
		return Credentials{}, nil
	case 1:
		return Parse(vals[0])
	default:
		return Credentials{}, fmt.Errorf("%w: %d Authorization headers, send one", ErrMalformed, len(vals))
	}
}

// Parse parses an Authorization header value: "Basic base64(user:password)"
// (RFC 7617) or "Bearer token" (RFC 6750), the scheme name in any case.
func Parse(h string) (Credentials, error) {
	if len(h) > maxHeaderValue {
		return Credentials{}, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, maxHeaderValue)
	}
	scheme, param, _ := strings.Cut(strings.TrimSpace(h), " ")
	param = strings.TrimLeft(param, " ")
	switch {
	case strings.EqualFold(scheme, SchemeBasic):
		return parseBasic(param)
	case strings.EqualFold(scheme, SchemeBearer):
		return parseBearer(param)
	case scheme == "":
		return Credentials{}, fmt.Errorf("%w: empty", ErrMalformed)
	default:
		return Credentials{}, fmt.Errorf("%w: scheme %q, use Basic or Bearer", ErrMalformed, clip(scheme))
	}
}

func parseBasic(param string) (Credentials, error) {
	raw, err := base64.StdEncoding.DecodeString(param)
	if err != nil {
		return Credentials{}, fmt.Errorf("%w: Basic credentials are not base64", ErrMalformed)
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	switch {
	case !ok:
		return Credentials{}, fmt.Errorf("%w: Basic credentials lack the ':' between user and password", ErrMalformed)
	case user == "":
		return Credentials{}, fmt.Errorf("%w: Basic credentials have an empty user", ErrMalformed)
	case !utf8.ValidString(user) || strings.ContainsFunc(user, isControl) || strings.ContainsFunc(pass, isControl):
		return Credentials{}, fmt.Errorf("%w: Basic credentials hold control characters or invalid UTF-8", ErrMalformed)
	}
	return Credentials{Scheme: SchemeBasic, User: user, Password: secret.New(pass)}, nil
}

// parseBearer checks the token68 syntax of RFC 6750 section 2.1.
func parseBearer(param string) (Credentials, error) {
	if param == "" {
		return Credentials{}, fmt.Errorf("%w: Bearer without a token", ErrMalformed)
	}
	body := strings.TrimRight(param, "=")
	if body == "" || strings.ContainsFunc(body, func(r rune) bool { return !isToken68(r) }) {
		return Credentials{}, fmt.Errorf("%w: Bearer token holds characters outside RFC 6750's token68", ErrMalformed)
	}
	return Credentials{Scheme: SchemeBearer, Token: secret.New(param)}, nil
}

func isToken68(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~+/", r)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// clip quotes at most 32 bytes of s in errors.
func clip(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}

// schemeError says an Authenticator does not handle the credentials'
// scheme (or got none). It is an ErrUnauthenticated; Chain tries the next
// member.
type schemeError struct{ err error }

func (e *schemeError) Error() string { return e.err.Error() }
func (e *schemeError) Unwrap() error { return e.err }

// notHandled is the error of an Authenticator that does not handle c.
func notHandled(c Credentials) error { return &schemeError{err: unauthenticated(c)} }

func isSchemeError(err error) bool {
	var se *schemeError
	return errors.As(err, &se)
}
