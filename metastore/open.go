package metastore

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore/driver"
)

// OpenFunc opens a backend's driver for a parsed metadata URL. o holds the
// host's options with defaults applied (a driver uses the logger and the
// registerer for its own extras; the portable Store does the rest).
type OpenFunc func(ctx context.Context, u config.MetadataURL, o Options) (driver.Store, error)

// Opener opens a whole Store for a parsed metadata URL.
//
// Deprecated: backends register an OpenFunc with Register; Opener remains
// for backends not yet on the driver seam.
type Opener func(ctx context.Context, u config.MetadataURL, opts ...Option) (Store, error)

// backend is a registry entry: one of the two is set.
type backend struct {
	open   OpenFunc
	legacy Opener
}

var (
	registryMu sync.RWMutex
	registry   = map[string]backend{}
)

// Register makes a backend's driver available to Open under scheme.
// Backends call it from init, as database/sql drivers do; registering a
// scheme twice panics, since that is a programming error found at start-up.
func Register(scheme string, open OpenFunc) {
	register(scheme, backend{open: open})
}

// RegisterStore registers an Opener.
//
// Deprecated: use Register with a driver.
func RegisterStore(scheme string, o Opener) {
	register(scheme, backend{legacy: o})
}

func register(scheme string, b backend) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[scheme]; dup {
		panic("metastore: Register called twice for scheme " + scheme)
	}
	registry[scheme] = b
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
	registryMu.RLock()
	b, ok := registry[u.Scheme]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("metastore: open %q: %w %q: registered schemes are %v; import the backend package",
			url, ErrUnknownScheme, u.Scheme, Schemes())
	}
	if b.legacy != nil {
		return b.legacy(ctx, u, opts...)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o := Collect(opts...)
	d, err := b.open(ctx, u, o)
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
