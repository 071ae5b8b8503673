package metastore

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanPathNormalises(t *testing.T) {
	cases := map[string]string{
		"/cube/a.json":      "/cube/a.json",
		"cube/a.json":       "/cube/a.json",
		"//cube/a.json":     "/cube/a.json",
		"///cube/a.json/":   "/cube/a.json",
		"/cube/a.json//":    "/cube/a.json",
		"  /cube/a.json \n": "/cube/a.json",
		" a/ /":             "/a",
		"/UUID":             "/UUID",
		"/日本/ü.json":        "/日本/ü.json",
		"/a b/c d":          "/a b/c d",
		"/.hidden/x..y":     "/.hidden/x..y",
	}
	for in, want := range cases {
		got, err := CleanPath(in)
		if err != nil || got != want {
			t.Errorf("CleanPath(%q) = %q, %v; want %q, nil", in, got, err, want)
		}
	}
}

func TestCleanPathRejects(t *testing.T) {
	bad := map[string]string{
		"":                                  "empty path",
		"   ":                               "empty path",
		"/":                                 "root folder",
		"//":                                "root folder",
		"/a//b":                             "empty segment",
		"/a/../b":                           `segment ".."`,
		"/..":                               `segment ".."`,
		"/a/./b":                            `segment "."`,
		"/a/\x00b":                          "control character",
		"/a\x00":                            "control character",
		"/a/\x7f":                           "control character",
		"/a/\u0085x":                        "control character",
		"/a/\xff":                           "UTF-8",
		"/" + strings.Repeat("s", 256):      "segment",
		"/" + strings.Repeat("ab/", 400):    "bytes, more than",
		"/" + strings.Repeat("\u00e9", 128): "segment", // 256 bytes
	}
	for in, want := range bad {
		_, err := CleanPath(in)
		if !errors.Is(err, ErrInvalidPath) || !strings.Contains(err.Error(), want) {
			t.Errorf("CleanPath(%.40q) = %v; want ErrInvalidPath mentioning %q", in, err, want)
		}
	}
}

func TestCleanPathBounds(t *testing.T) {
	seg := strings.Repeat("s", MaxSegmentBytes)
	if _, err := CleanPath("/" + seg); err != nil {
		t.Fatalf("segment of exactly %d bytes refused: %v", MaxSegmentBytes, err)
	}
	p := strings.Repeat("/"+strings.Repeat("x", 99), MaxPathBytes/100) // 1000 bytes
	p += "/" + strings.Repeat("y", MaxPathBytes-len(p)-1)
	if len(p) != MaxPathBytes {
		t.Fatalf("test bug: len %d", len(p))
	}
	if _, err := CleanPath(p); err != nil {
		t.Fatalf("path of exactly %d bytes refused: %v", MaxPathBytes, err)
	}
	if _, err := CleanPath(p + "y"); !errors.Is(err, ErrInvalidPath) {
		t.Fatalf("path of %d bytes accepted: %v", MaxPathBytes+1, err)
	}
}

func TestCleanFolderRoot(t *testing.T) {
	for _, in := range []string{"/", "//", " / ", "///"} {
		got, err := CleanFolder(in)
		if err != nil || got != Root {
			t.Errorf("CleanFolder(%q) = %q, %v; want %q", in, got, err, Root)
		}
	}
	if _, err := CleanFolder(""); !errors.Is(err, ErrInvalidPath) {
		t.Errorf("CleanFolder(\"\") = %v; want ErrInvalidPath", err)
	}
}

// FuzzCleanPath checks that cleaning never panics, that a cleaned path is a
// fixed point, and that every accepted path obeys the rules backends rely on.
func FuzzCleanPath(f *testing.F) {
	for _, s := range []string{"/cube/a.json", "a/ /", "//x//", "/a/../b", "/\x00", "/日本", "/", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := CleanFolder(in)
		if err != nil {
			if !errors.Is(err, ErrInvalidPath) {
				t.Fatalf("CleanFolder(%q): error %v does not wrap ErrInvalidPath", in, err)
			}
			return
		}
		again, err := CleanFolder(c)
		if err != nil || again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", in, c, again, err)
		}
		checkClean(t, c)
		if r, err := CleanPath(in); (c == Root) != (err != nil) || (err == nil && r != c) {
			t.Fatalf("CleanPath(%q) = %q, %v disagrees with CleanFolder %q", in, r, err, c)
		}
	})
}

func checkClean(t *testing.T, c string) {
	t.Helper()
	if c == Root {
		return
	}
	if !strings.HasPrefix(c, "/") || strings.HasSuffix(c, "/") || len(c) > MaxPathBytes || !utf8.ValidString(c) {
		t.Fatalf("cleaned path %q breaks the shape rules", c)
	}
	for _, seg := range strings.Split(c[1:], "/") {
		if seg == "" || seg == "." || seg == ".." || len(seg) > MaxSegmentBytes || strings.ContainsRune(seg, 0) {
			t.Fatalf("cleaned path %q has bad segment %q", c, seg)
		}
	}
}
