package cluster

import (
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/configtest"
)

// TestBroadcastDefaultsFromConfig: the Broadcaster's settings for a zero
// config.Broadcast are those of config.Default().Broadcast: the defaults
// have one home. The negative control re-derives one default here.
func TestBroadcastDefaultsFromConfig(t *testing.T) {
	configtest.SameAsDefaults(t, newSettings, config.Broadcast{}, config.Default().Broadcast)
	configtest.MustCatch(t, "a queue size re-derived by the constructor", func(tb testing.TB) {
		configtest.SameAsDefaults(tb, func(c config.Broadcast) (settings, error) {
			s, err := newSettings(c)
			if c.QueueSize == 0 {
				s.queueSize = 1000
			}
			return s, err
		}, config.Broadcast{}, config.Default().Broadcast)
	})
	s, err := newSettings(config.Broadcast{SyncRetries: config.None})
	if err != nil || s.retries != 0 {
		t.Errorf("SyncRetries None: retries %d, err %v; want 0 retries", s.retries, err)
	}
}
