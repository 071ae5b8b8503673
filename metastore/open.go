package metastore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore/driver"
)

// OpenFunc opens a backend's driver for a parsed metadata URL. o holds the
// host's options with defaults applied (a driver uses the logger and the
// registerer for its own extras; the portable Store does the rest).
type OpenFunc func(ctx context.Context, u config.MetadataURL, o Options) (driver.Store, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]OpenFunc{}
)

// Register makes a backend's driver available to Open under scheme.
// Backends call it from init, as database/sql drivers do; registering a
// scheme twice panics, since that is a programming error found at start-up.
func Register(scheme string, open OpenFunc) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[scheme]; dup {
		panic("metastore: Register called twice for scheme " + scheme)
	}
	registry[scheme] = open
}

// Open parses a Kylin metadata URL ("kylin_metadata@hbase,hbase.zookeeper.quorum=zk:2181",
// "/var/kylin/meta", "name@mem"), opens the backend registered for its
// scheme, wraps its driver in the portable Store and writes /UUID when it
// is missing (EnsureUUID), as Kylin does on first open. The backend package
// must be imported, for example
// _ "github.com/kylin-go/kylin/metastore/filestore".
func Open(ctx context.Context, url string, opts ...Option) (Store, error) {
	u, err := config.ParseMetadataURL(url)
	if err != nil {
		return nil, err
	}
	if err := checkParsed(url, u); err != nil {
		return nil, err
	}
	registryMu.RLock()
	open, ok := registry[u.Scheme]
	registryMu.RUnlock()
	if !ok {
		return nil, unknownScheme(url, u)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o := Collect(opts...)
	d, err := open(ctx, u, o)
	if err != nil {
		return nil, err
	}
	s := newPortable(d, o)
	if _, err := EnsureUUID(ctx, s); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Schemes lists the registered schemes, sorted.
func Schemes() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]string, 0, len(registry))
	for s := range registry {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// checkParsed refuses a URL that parsed but cannot mean what was written:
// a parameter that holds '@' and no '=' is the rest of an identifier that
// held a comma ("a,b@mem"), which Kylin's syntax cannot express, and any
// other parameter without '=' ("meta@mem,foo") is a typo, not a setting.
func checkParsed(url string, u config.MetadataURL) error {
	for _, part := range strings.Split(url, ",")[1:] {
		if strings.Contains(part, "@") && !strings.Contains(part, "=") {
			return fmt.Errorf("metastore: open %q: %w: read as %s; the part %q after a ',' looks like the rest of the name: "+
				"',' separates parameters, so an identifier cannot hold one; rename it without ','",
				url, ErrBadURL, describe(u), strings.TrimSpace(part))
		}
		if p := strings.TrimSpace(part); p == "" {
			return fmt.Errorf("metastore: open %q: %w: read as %s; an empty parameter (a trailing or doubled ','): remove the extra ','",
				url, ErrBadURL, describe(u))
		} else if !strings.Contains(p, "=") {
			return fmt.Errorf("metastore: open %q: %w: read as %s; the parameter %q has no '=': "+
				"parameters are key=value after the scheme, separated by ','",
				url, ErrBadURL, describe(u), p)
		}
	}
	return nil
}

// unknownScheme says how url was read and which schemes exist.
func unknownScheme(url string, u config.MetadataURL) error {
	hint := "import the backend package"
	if u.Scheme == "" {
		hint = "a URL without '@' is a local directory: import " +
			"_ \"github.com/kylin-go/kylin/metastore/filestore\", or add @mem or @hbase"
	}
	return fmt.Errorf("metastore: open %q: %w %q: read as %s; registered schemes are %q; %s",
		url, ErrUnknownScheme, u.Scheme, describe(u), Schemes(), hint)
}

// describe shows how a metadata URL was parsed.
func describe(u config.MetadataURL) string {
	params := "no parameters"
	if len(u.Params) > 0 {
		keys := make([]string, 0, len(u.Params))
		for k := range u.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			keys[i] = fmt.Sprintf("%q=%q", k, u.Params[k])
		}
		params = "parameters " + strings.Join(keys, ", ")
	}
	return fmt.Sprintf("identifier %q, scheme %q, %s", u.Identifier, u.Scheme, params)
}
