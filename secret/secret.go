package secret

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
)

// Mask is what a non-empty String prints as, in every encoding.
const Mask = "***"

// String is a credential. Its zero value is the empty secret, which prints
// as the empty string (so "not set" stays visible); any other value prints
// as Mask.
//
// The value sits behind a pointer, so even a printer that cannot call
// String's methods (fmt reaching it through an unexported field) shows an
// address, not the value. Compare Strings with Same, not ==.
type String struct {
	p *string
}

// New returns s as a secret.
func New(s string) String {
	if s == "" {
		return String{}
	}
	return String{p: &s}
}

// Reveal returns the value. Call it only where the value must leave the
// process (a request header) or be compared.
func (s String) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether the secret is empty.
func (s String) IsZero() bool { return s.p == nil || *s.p == "" }

// Equal compares the secret with other in constant time (for equal lengths).
func (s String) Equal(other string) bool {
	return subtle.ConstantTimeCompare([]byte(s.Reveal()), []byte(other)) == 1
}

// Same reports whether two secrets hold the same value.
func (s String) Same(other String) bool { return s.Equal(other.Reveal()) }

func (s String) masked() string {
	if s.IsZero() {
		return ""
	}
	return Mask
}

// String returns the mask.
func (s String) String() string { return s.masked() }

// GoString returns the mask as a Go expression.
func (s String) GoString() string { return fmt.Sprintf("secret.New(%q)", s.masked()) }

// Format prints the mask for every verb and flag, so %v, %+v, %#v, %s, %q
// and %x alike never show the value.
func (s String) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), s.masked())
}

// MarshalJSON encodes the mask as a JSON string.
func (s String) MarshalJSON() ([]byte, error) { return []byte(`"` + s.masked() + `"`), nil }

// MarshalText encodes the mask (YAML, TOML, map keys and other text
// encoders).
func (s String) MarshalText() ([]byte, error) { return []byte(s.masked()), nil }

// UnmarshalText reads a value, so configuration decoded from text fills a
// String. Encoding it again gives the mask, not the value.
func (s *String) UnmarshalText(b []byte) error {
	*s = New(string(b))
	return nil
}

// LogValue makes slog print the mask.
func (s String) LogValue() slog.Value { return slog.StringValue(s.masked()) }
