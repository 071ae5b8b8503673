package zklock

import (
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/configtest"
)

// effective is what New runs with.
type effective struct {
	cfg     config.ZooKeeper
	servers []string
	root    string
}

func build(c config.ZooKeeper) (effective, error) {
	cfg, servers, root, err := normalize(c)
	return effective{cfg, servers, root}, err
}

// TestDefaultsFromConfig: a zero config.ZooKeeper (with an address) runs
// as config.Default().ZooKeeper does; the negative control re-derives the
// cluster name here.
func TestDefaultsFromConfig(t *testing.T) {
	zero, def := config.ZooKeeper{ConnectString: "zk:2181"}, config.Default().ZooKeeper
	def.ConnectString = zero.ConnectString
	configtest.SameAsDefaults(t, build, zero, def)
	configtest.MustCatch(t, "a cluster name re-derived by the constructor", func(tb testing.TB) {
		configtest.SameAsDefaults(tb, func(c config.ZooKeeper) (effective, error) {
			if c.ClusterName == "" {
				c.ClusterName = "kylin"
			}
			return build(c)
		}, zero, def)
	})
}
