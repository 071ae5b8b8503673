package config

import (
	"bytes"
	"compress/gzip"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16LE(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// A file that is not properties text is refused, not loaded as defaults.
func TestLoadRefusesNonText(t *testing.T) {
	good := "kylin.server.mode=query\nkylin.job.scheduler.default=2\n"
	random := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(random)
	noBOM16 := utf16LE(good)[2:]
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"UTF-16 with BOM", utf16LE(good), "is UTF-16 or UTF-32"},
		{"UTF-16 without BOM", noBOM16, "NUL byte on line 1"},
		{"gzip", gzipped(good), "is gzip-compressed"},
		{"random bytes", random, "kylin.properties"},
		{"Latin-1", []byte("kylin.server.mode=query\nkylin.x=caf\xe9\n"), "line 2 is not valid UTF-8"},
		{"control byte", []byte("kylin.server.mode=query\x1b[0m\n"), "control byte 0x1b on line 1"},
		{"bad unicode escape", []byte("a=1\n\n\nkylin.x=\\u12G4\n"), `line 4: value of "kylin.x": \u needs four hex digits, found "12G4"`},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, SiteFile), tc.data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), SiteFile) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
		if c.Server.Mode != "" {
			t.Errorf("%s: a Config came back (mode %q)", tc.name, c.Server.Mode)
		}
		if err != nil && len(err.Error()) > 400 {
			t.Errorf("%s: error of %d bytes", tc.name, len(err.Error()))
		}
	}
}

// Java's Properties.load rules, as Kylin reads kylin.properties.
func TestParsePropertiesJavaRules(t *testing.T) {
	text := "\xef\xbb\xbf# comment\n! also\n  a = 1 \nb:2\nc 3\nd\te\\\n   f\ng=\\u0041\\t\\n\\x\nh\\ k=v\\\\\ni=x\\\\\\\nj=y\r\nk=z\rl\n\nm=last\\"
	props, err := parseProperties([]byte(text), "f")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	bare := map[string]bool{}
	for _, p := range props {
		got[p.key] = p.value
		bare[p.key] = p.bare
	}
	want := map[string]string{"a": "1 ", "b": "2", "c": "3", "d": "ef", "g": "A\t\nx", "h k": `v\`, "i": `x\j=y`,
		"k": "z", "l": "", "m": "last"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%q = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("keys %v", got)
	}
	if !bare["l"] || bare["a"] {
		t.Errorf("bare flags %v", bare)
	}
}

// A key alone on its line is a warning naming the line; values in errors
// are cut short.
func TestBareKeyWarningAndShortErrors(t *testing.T) {
	dir := t.TempDir()
	text := "kylin.server.mode=query\n\n\n\nnovalue\nkylin.job.retry=" + strings.Repeat("9", 100<<10) + "\n"
	os.WriteFile(filepath.Join(dir, SiteFile), []byte(text), 0o644)
	c, err := Load(dir)
	if err == nil || len(err.Error()) > 600 || !strings.Contains(err.Error(), "kylin.job.retry=") {
		t.Errorf("100 KB value: error of %d bytes: %.300v", len(err.Error()), err)
	}
	found := false
	for _, w := range c.Warnings {
		if strings.Contains(w, `line 5: "novalue" has no '=' and no value`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning for the bare key: %q", c.Warnings)
	}
	if _, err := ParseServerList(strings.Repeat("h", 100<<10) + ":x"); err == nil || len(err.Error()) > 600 {
		t.Errorf("long server list: error of %d bytes", len(err.Error()))
	}
}
