package scheduler

import (
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/configtest"
)

// TestDefaultsFromConfig: an Engine given a zero config.Job runs with
// config.Default().Job; the negative control re-derives the retry
// interval here, as normalize once did.
func TestDefaultsFromConfig(t *testing.T) {
	configtest.SameAsDefaults(t, normalize, config.Job{}, config.Default().Job)
	configtest.MustCatch(t, "a retry interval re-derived by the constructor", func(tb testing.TB) {
		configtest.SameAsDefaults(tb, func(c config.Job) (config.Job, error) {
			if c.RetryInterval <= 0 {
				c.RetryInterval = 10 * time.Second
			}
			return normalize(c)
		}, config.Job{}, config.Default().Job)
	})
	cfg, err := normalize(config.Job{RetryInterval: config.None})
	if err != nil || cfg.RetryInterval != 0 {
		t.Errorf("RetryInterval None: %v, %v; want 0 (retry at once)", cfg.RetryInterval, err)
	}
}
