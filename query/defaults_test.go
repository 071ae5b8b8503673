package query

import (
	"testing"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/configtest"
)

// TestDefaultsFromConfig: a Router given a zero config.Query runs with
// config.Default().Query (Router.Config shows it); the negative control
// re-derives the health path here.
func TestDefaultsFromConfig(t *testing.T) {
	build := func(c config.Query) (config.Query, error) {
		r, err := New(c, cluster.Static(), WithoutHealthLoop())
		if err != nil {
			return c, err
		}
		defer r.Close()
		return r.Config(), nil
	}
	configtest.SameAsDefaults(t, build, config.Query{}, config.Default().Query)
	configtest.MustCatch(t, "a health path re-derived by the constructor", func(tb testing.TB) {
		configtest.SameAsDefaults(tb, func(c config.Query) (config.Query, error) {
			if c.HealthPath == "" {
				c.HealthPath = "/health"
			}
			return build(c)
		}, config.Query{}, config.Default().Query)
	})
	cfg, err := build(config.Query{MaxRetries: config.None, MaxIdleConnsPerNode: config.None})
	if err != nil || cfg.MaxRetries != 0 || cfg.MaxIdleConnsPerNode != 0 {
		t.Errorf("None: MaxRetries %d, MaxIdleConnsPerNode %d, %v; want 0, 0", cfg.MaxRetries, cfg.MaxIdleConnsPerNode, err)
	}
	if tr := NewTransport(config.Query{MaxIdleConnsPerNode: config.None}); tr.MaxIdleConnsPerHost >= 0 {
		t.Errorf("NewTransport with None keeps %d idle connections per node (0 would mean net/http's 2)", tr.MaxIdleConnsPerHost)
	}
}
