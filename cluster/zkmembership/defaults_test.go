package zkmembership

import (
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/configtest"
)

// TestDefaultsFromConfig: a zero config.ZooKeeper (with an address) gives
// the settings of config.Default().ZooKeeper; the negative control
// re-derives the session timeout here.
func TestDefaultsFromConfig(t *testing.T) {
	zero, def := config.ZooKeeper{ConnectString: "zk:2181"}, config.Default().ZooKeeper
	def.ConnectString = zero.ConnectString
	configtest.SameAsDefaults(t, newSettings, zero, def)
	configtest.MustCatch(t, "a session timeout re-derived by the constructor", func(tb testing.TB) {
		configtest.SameAsDefaults(tb, func(c config.ZooKeeper) (settings, error) {
			s, err := newSettings(c)
			if c.SessionTimeout == 0 {
				s.sessionTimeout /= 2
			}
			return s, err
		}, zero, def)
	})
}
