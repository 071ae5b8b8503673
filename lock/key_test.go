package lock

import (
	"strings"
	"testing"
)

func TestValidateKey(t *testing.T) {
	good := []string{"/a", "/job_engine/lock/123", "/job_engine/global_job_engine_lock", "/a.b/c-d_e"}
	for _, k := range good {
		if err := ValidateKey(k); err != nil {
			t.Errorf("ValidateKey(%q) = %v, want nil", k, err)
		}
	}
	bad := map[string]string{
		"":                                   "empty",
		"a/b":                                "start with '/'",
		"/":                                  "root",
		"/a/":                                "end with '/'",
		"/a//b":                              "empty segment",
		"/a/../b":                            `".." segment`,
		"/a/./b":                             `"." segment`,
		"/a\x00b":                            "control character",
		"/" + strings.Repeat("x", MaxKeyLen): "limit",
	}
	for k, want := range bad {
		err := ValidateKey(k)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateKey(%q) = %v, want an error mentioning %q", k, err, want)
		}
	}
	if err := ValidatePrefix("/"); err != nil {
		t.Errorf("ValidatePrefix(/) = %v", err)
	}
}

func TestParent(t *testing.T) {
	for k, want := range map[string]string{"/a": "/", "/a/b": "/a", "/a/b/c": "/a/b"} {
		if got := Parent(k); got != want {
			t.Errorf("Parent(%q) = %q, want %q", k, got, want)
		}
	}
}

func TestDefaultOwner(t *testing.T) {
	if o := DefaultOwner(); !strings.Contains(o, "@") {
		t.Fatalf("DefaultOwner() = %q, want pid@host", o)
	}
}

// FuzzValidateKey checks that validation never panics and that an accepted
// key is absolute, clean and within bounds.
func FuzzValidateKey(f *testing.F) {
	f.Fuzz(func(t *testing.T, k string) {
		if ValidateKey(k) != nil {
			return
		}
		if k[0] != '/' || strings.Contains(k, "//") || strings.HasSuffix(k, "/") || len(k) > MaxKeyLen {
			t.Fatalf("accepted bad key %q", k)
		}
		if p := Parent(k); ValidatePrefix(p) != nil {
			t.Fatalf("parent %q of accepted key %q is not a valid prefix", p, k)
		}
	})
}
