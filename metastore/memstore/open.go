package memstore

import (
	"context"
	"sync"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

// Scheme is the metadata URL scheme memstore registers: "name@mem".
const Scheme = "mem"

func init() { metastore.Register(Scheme, open) }

// named holds the stores opened by URL. Handles opened with the same name
// share one content, so several nodes in one process (a test cluster) see
// one metastore. The content lives while at least one handle is open, as a
// shared in-memory SQLite database does.
var named = struct {
	mu sync.Mutex
	m  map[string]*shared
}{m: map[string]*shared{}}

type shared struct {
	d    *data
	refs int
}

// open is the metastore.OpenFunc for "name@mem".
func open(_ context.Context, u config.MetadataURL, o metastore.Options) (driver.Store, error) {
	for k := range u.Params {
		o.Logger.Warn("memstore: ignoring metadata URL parameter", zap.String("param", k), zap.String("url", u.String()))
	}
	return acquire(u.Identifier), nil
}

// acquire returns a new handle on the named content, creating it if needed.
func acquire(name string) *handle {
	named.mu.Lock()
	defer named.mu.Unlock()
	sh := named.m[name]
	if sh == nil {
		sh = &shared{d: newData()}
		named.m[name] = sh
	}
	sh.refs++
	return newHandle(sh.d, func() { releaseNamed(name, sh) })
}

func releaseNamed(name string, sh *shared) {
	named.mu.Lock()
	defer named.mu.Unlock()
	sh.refs--
	if sh.refs == 0 {
		delete(named.m, name)
		sh.d.clear()
	}
}
