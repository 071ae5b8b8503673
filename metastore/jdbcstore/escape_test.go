package jdbcstore

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/metastore"
)

// likeMatch evaluates SQL LIKE with escape character '#' byte by byte, as
// MySQL does with a binary collation.
func likeMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch c := pattern[0]; c {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '_':
		return s != "" && likeMatch(pattern[1:], s[1:])
	case likeEscape:
		if len(pattern) > 1 {
			pattern = pattern[1:]
		}
	}
	return s != "" && s[0] == pattern[0] && likeMatch(pattern[1:], s[1:])
}

var escapeCases = []struct{ prefix, key string }{
	{"/pct%/", "/pctABC/x"},
	{"/pct%/", "/pct%/x"},
	{"/under_/", "/underX/x"},
	{"/under_/", "/under_/x"},
	{"/hash#x/", "/hashx/y"},
	{"/hash#x/", "/hash#x/y"},
	{"/back\\/", "/back\\/y"},
	{"/a/", "/a/b"},
	{"/a/", "/ab"},
}

func TestLikePrefix(t *testing.T) {
	for _, c := range escapeCases {
		want := strings.HasPrefix(c.key, c.prefix)
		if got := likeMatch(likePrefix(c.prefix), c.key); got != want {
			t.Errorf("%q LIKE %q = %v, want %v", c.key, likePrefix(c.prefix), got, want)
		}
	}
	// Negative control: Kylin's pattern escapes only '_' and gets '%' and '#' wrong.
	for _, c := range [][2]string{{"/pct%/", "/pctABC/x"}, {"/hash#x/", "/hash#x/y"}} {
		if likeMatch(kylinLikePrefix(c[0]), c[1]) == strings.HasPrefix(c[1], c[0]) {
			t.Errorf("Kylin's pattern %q on %q was right; the control must show its mistake", kylinLikePrefix(c[0]), c[1])
		}
	}
}

func FuzzLikePrefix(f *testing.F) {
	for _, c := range escapeCases {
		f.Add(c.prefix, c.key)
	}
	f.Fuzz(func(t *testing.T, prefix, key string) {
		if len(prefix)+len(key) > 64 {
			return // the matcher above is exponential in '%'
		}
		if got, want := likeMatch(likePrefix(prefix), key), strings.HasPrefix(key, prefix); got != want {
			t.Fatalf("%q LIKE %q = %v, want %v", key, likePrefix(prefix), got, want)
		}
	})
}

// TestListingEscapesOnServer lists folders whose names hold LIKE's special
// characters on the real server: each lists exactly its own children. The
// control runs Kylin's pattern on the same rows and must get it wrong.
func TestListingEscapesOnServer(t *testing.T) {
	srv := sharedServer(t)
	db := srv.freshDB(t)
	s := openStore(t, DefaultConfig(srv.url("kylin_metadata", db)))
	ctx := context.Background()
	files := []string{"/pct%/own.json", "/pctABC/other.json", "/hash#x/own.json", "/hashx/other.json",
		"/under_/own.json", "/underX/other.json", "/back\\/own.json", "/backX/other.json"}
	for _, p := range files {
		if _, err := s.Put(ctx, p, []byte("{}"), 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, folder := range []string{"/pct%", "/hash#x", "/under_", "/back\\"} {
		got, err := s.List(ctx, folder)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{folder + "/own.json"}; !slices.Equal(got, want) {
			t.Errorf("List(%q) = %q, want %q", folder, got, want)
		}
		rs, err := metastore.GetAll(ctx, s, folder, metastore.Window{})
		if err != nil || len(rs) != 1 || rs[0].Path != folder+"/own.json" {
			t.Errorf("GetAll(%q) = %v, %v", folder, rs, err)
		}
	}
	plain := srv.open(t, db)
	var n int
	if err := plain.QueryRow("SELECT COUNT(*) FROM kylin_metadata WHERE META_TABLE_KEY LIKE ? ESCAPE '#'",
		kylinLikePrefix("/pct%/")).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("Kylin's pattern for /pct%%/ matched %d rows; the control expects its mistake (2 rows)", n)
	}
}
