package cache

import (
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/configtest"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// TestDefaultsFromConfig: a cache over a zero config.Metastore has
// config.Default()'s budget; the negative control re-derives it here.
func TestDefaultsFromConfig(t *testing.T) {
	build := func(c config.Metastore) (int64, error) {
		s, err := New(c, memstore.New(), nil)
		if err != nil {
			return 0, err
		}
		defer s.Close()
		return s.Stats().Budget, nil
	}
	configtest.SameAsDefaults(t, build, config.Metastore{}, config.Default().Metastore)
	configtest.MustCatch(t, "a budget re-derived by the constructor", func(tb testing.TB) {
		configtest.SameAsDefaults(tb, func(c config.Metastore) (int64, error) {
			if c.CacheBytes == 0 {
				c.CacheBytes = 32 << 20
			}
			return build(c)
		}, config.Metastore{}, config.Default().Metastore)
	})
}
