package jdbcstore

import (
	"strings"
	"testing"
)

// Vectors made with Kylin 3.1.3's own EncryptUtil (kylin-core-common-3.1.3.jar,
// KYLIN_HOME with an empty kylin.properties, and one with
// kylin.security.encrypt.cipher.ivSpec=BBBBBBBBBBBBBBBB).
var kylinVectors = []struct{ iv, plain, enc string }{
	{"AAAAAAAAAAAAAAAA", "kylin-test", "H8SsrJDicxO2Egx7r2G13g=="},
	{"AAAAAAAAAAAAAAAA", "p@ss,wörd=1", "BP2zttK4xMC3AjdMrWO33A=="},
	{"AAAAAAAAAAAAAAAA", "x", "DLLPyvHACHnKaQVypmi81w=="},
	{"AAAAAAAAAAAAAAAA", "0123456789abcdef", "RIzy9sr6MUH9X2sfygPWvq1mM78N0Ovy8iUr5SwDaDo="},
	{"BBBBBBBBBBBBBBBB", "kylin-test", "XcjOyhfEftwEiDGdENIBcw=="},
}

func TestPasswordMatchesKylin(t *testing.T) {
	for _, v := range kylinVectors {
		got, err := DecryptPassword(v.enc, v.iv)
		if err != nil || got != v.plain {
			t.Errorf("DecryptPassword(%q, %q) = %q, %v; want %q", v.enc, v.iv, got, err, v.plain)
		}
		enc, err := EncryptPassword(v.plain, v.iv)
		if err != nil || enc != v.enc {
			t.Errorf("EncryptPassword(%q, %q) = %q, %v; want Kylin's %q", v.plain, v.iv, enc, err, v.enc)
		}
	}
	// Negative control: the wrong IV must not yield the password.
	if got, err := DecryptPassword(kylinVectors[0].enc, "BBBBBBBBBBBBBBBB"); err == nil && got == kylinVectors[0].plain {
		t.Fatal("decrypting with the wrong IV gave the password")
	}
}

func TestPasswordErrors(t *testing.T) {
	for in, want := range map[string]string{
		"not base64!":              "not base64",
		"":                         "not a whole number",
		"AAAA":                     "not a whole number",
		"AAAAAAAAAAAAAAAAAAAAAA==": "padding",
	} {
		if _, err := DecryptPassword(in, defaultEncryptIV); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("DecryptPassword(%q) = %v; want an error containing %q", in, err, want)
		}
	}
	if _, err := DecryptPassword("H8SsrJDicxO2Egx7r2G13g==", "short"); err == nil || !strings.Contains(err.Error(), "16") {
		t.Errorf("short IV: %v", err)
	}
}
