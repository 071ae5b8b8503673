package auth

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   Credentials // Password/Token compared via Reveal
		pass   string
		token  string
	}{
		{header: "Basic " + b64("ADMIN:KYLIN"), want: Credentials{Scheme: SchemeBasic, User: "ADMIN"}, pass: "KYLIN"},
		{header: "basic " + b64("ADMIN:KYLIN"), want: Credentials{Scheme: SchemeBasic, User: "ADMIN"}, pass: "KYLIN"},
		{header: "BASIC  " + b64("a:b:c"), want: Credentials{Scheme: SchemeBasic, User: "a"}, pass: "b:c"},
		{header: "Basic " + b64("a:"), want: Credentials{Scheme: SchemeBasic, User: "a"}, pass: ""},
		{header: "Bearer abc.DEF-_~+/==", want: Credentials{Scheme: SchemeBearer}, token: "abc.DEF-_~+/=="},
		{header: "bearer tok", want: Credentials{Scheme: SchemeBearer}, token: "tok"},
		{header: "BEARER tok", want: Credentials{Scheme: SchemeBearer}, token: "tok"},
	} {
		got, err := Parse(tc.header)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.header, err)
			continue
		}
		if got.Scheme != tc.want.Scheme || got.User != tc.want.User || got.Password.Reveal() != tc.pass || got.Token.Reveal() != tc.token {
			t.Errorf("Parse(%q) = %s %q pass %q token %q", tc.header, got.Scheme, got.User, got.Password.Reveal(), got.Token.Reveal())
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, h := range []string{
		"", "Basic", "Basic !!!", "Basic " + b64("nocolon"), "Basic " + b64(":pw"),
		"Basic " + b64("a\x00b:pw"), "Basic " + b64("a:p\nw"), "Basic " + b64("\xff:pw"),
		"Bearer", "Bearer ", "Bearer a b", "Bearer ===", "Bearer a\"b", "Digest x", "Negotiate abc",
		"Basic " + strings.Repeat("A", maxHeaderValue),
	} {
		if _, err := Parse(h); !errors.Is(err, ErrMalformed) || !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("Parse(%.40q) = %v, want ErrMalformed", h, err)
		}
	}
	if _, err := Parse("Scheme" + strings.Repeat("x", 1000) + " y"); err == nil || len(err.Error()) > 200 {
		t.Errorf("long scheme error not bounded: %.300v", err)
	}
}

func TestFromRequest(t *testing.T) {
	r, _ := http.NewRequest("GET", "/", nil)
	if c, err := FromRequest(r); err != nil || c.Scheme != "" {
		t.Errorf("no header: %v %v", c, err)
	}
	r.Header.Add("Authorization", "Bearer a")
	r.Header.Add("Authorization", "Bearer b")
	if _, err := FromRequest(r); !errors.Is(err, ErrMalformed) {
		t.Errorf("two headers: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("Basic " + b64("ADMIN:KYLIN"))
	f.Add("Bearer tok==")
	f.Add("bAsIc " + b64("a:b"))
	f.Fuzz(func(t *testing.T, h string) {
		c, err := Parse(h)
		if err != nil {
			if !errors.Is(err, ErrUnauthenticated) {
				t.Fatalf("error %v is not ErrUnauthenticated", err)
			}
			if len(err.Error()) > 300 {
				t.Fatalf("error longer than 300 bytes: %d", len(err.Error()))
			}
			return
		}
		switch c.Scheme {
		case SchemeBasic:
			if c.User == "" || strings.ContainsAny(c.User, ":\x00\n") {
				t.Fatalf("basic user %q", c.User)
			}
		case SchemeBearer:
			if c.Token.IsZero() || strings.ContainsAny(c.Token.Reveal(), " \t\"") {
				t.Fatalf("bearer token %q", c.Token.Reveal())
			}
		default:
			t.Fatalf("scheme %q", c.Scheme)
		}
	})
}

func FuzzParseUserRecord(f *testing.F) {
	f.Add([]byte(`{"username":"ADMIN","password":"$2a$10$o3ktIWsGYxXNuUWQiYlZXOW5hWcqyNAFQsSSCSEWoC/BRVMAUjL32","authorities":[{"authority":"ROLE_ADMIN"}]}`))
	f.Add([]byte(`{"username":"X","password":"p","authorities":[{"authority":"--disabled--"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseUserRecord(data)
		if err != nil {
			if !errors.Is(err, ErrBadRecord) {
				t.Fatalf("error %v is not ErrBadRecord", err)
			}
			return
		}
		if r.Name == "" || r.hash.IsZero() {
			t.Fatalf("record without name or hash: %+v", r)
		}
		for _, a := range r.Authorities {
			if a == legacyDisabled {
				t.Fatal("the legacy disabled role passed through")
			}
		}
	})
}
