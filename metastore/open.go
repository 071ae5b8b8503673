package metastore

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/kylin-go/kylin/config"
)

// Opener opens a backend for a parsed metadata URL.
type Opener func(ctx context.Context, u config.MetadataURL, opts ...Option) (Store, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]Opener{}
)

// Register makes a backend available to Open under scheme. Backends call it
// from init, as database/sql drivers do; registering a scheme twice panics,
// since that is a programming error found at start-up.
func Register(scheme string, o Opener) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[scheme]; dup {
		panic("metastore: Register called twice for scheme " + scheme)
	}
	registry[scheme] = o
}

// Open parses a Kylin metadata URL ("kylin_metadata@hbase,hbase.zookeeper.quorum=zk:2181",
// "/var/kylin/meta", "name@mem") and opens the backend registered for its
// scheme. The backend package must be imported, for example
// _ "github.com/kylin-go/kylin/metastore/filestore".
func Open(ctx context.Context, url string, opts ...Option) (Store, error) {
	u, err := config.ParseMetadataURL(url)
	if err != nil {
		return nil, err
	}
	registryMu.RLock()
	o, ok := registry[u.Scheme]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w %q in %q: registered schemes are %v; import the backend package",
			ErrUnknownScheme, u.Scheme, url, Schemes())
	}
	return o(ctx, u, opts...)
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
