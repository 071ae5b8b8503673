package metastore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	_ "github.com/kylin-go/kylin/metastore/memstore"
)

// TestOpenBadURLShowsParse checks that a comma in a "@mem" name, with the
// backend imported, names the parse and the fix, never "unknown scheme".
func TestOpenBadURLShowsParse(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		url    string
		target error
		want   []string
	}{
		{"team,a@mem", metastore.ErrBadURL, []string{
			`read as identifier "team", scheme "", parameters "a@mem"=""`, `rename it without ','`}},
		{"meta@mem,", metastore.ErrBadURL, []string{`an empty parameter`}},
		{"meta@mem,foo", metastore.ErrBadURL, []string{
			`the parameter "foo" has no '='`, `key=value`}},
		{"meta@nosuch,k=v", metastore.ErrUnknownScheme, []string{
			`unknown scheme "nosuch"`, `identifier "meta", scheme "nosuch", parameters "k"="v"`, `"mem"`}},
	} {
		s, err := metastore.Open(ctx, c.url)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded; want an error", c.url)
			continue
		}
		if !errors.Is(err, c.target) {
			t.Errorf("Open(%q) = %v; want it to wrap %v", c.url, err, c.target)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Open(%q) = %v; want it to contain %s", c.url, err, w)
			}
		}
		if c.target == metastore.ErrBadURL && errors.Is(err, metastore.ErrUnknownScheme) {
			t.Errorf("Open(%q) = %v; a comma in a name is not an unknown scheme", c.url, err)
		}
	}
}
