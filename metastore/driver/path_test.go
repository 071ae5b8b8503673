package driver

import "testing"

func TestDirectChild(t *testing.T) {
	cases := []struct {
		folder, p, want string
		ok              bool
	}{
		{"/", "/a", "/a", true},
		{"/", "/a/b/c", "/a", true},
		{"/a", "/a/b", "/a/b", true},
		{"/a", "/a/b/c", "/a/b", true},
		{"/a", "/a", "", false},
		{"/a", "/ab/c", "", false},
		{"/a", "/b/c", "", false},
	}
	for _, c := range cases {
		got, ok := DirectChild(c.folder, c.p)
		if got != c.want || ok != c.ok {
			t.Errorf("DirectChild(%q, %q) = %q, %v; want %q, %v", c.folder, c.p, got, ok, c.want, c.ok)
		}
	}
}
