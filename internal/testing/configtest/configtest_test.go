package configtest

import (
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
)

// rederives is a constructor that fills a zero field itself, with its own
// idea of the default: what SameAsDefaults exists to catch.
func rederives(c config.Job) (config.Job, error) {
	if c.PollInterval == 0 {
		c.PollInterval = 10 * time.Second // config says 30 s
	}
	return c.WithDefaults(), nil
}

func TestSameAsDefaults(t *testing.T) {
	honest := func(c config.Job) (config.Job, error) { return c.WithDefaults(), c.WithDefaults().Validate() }
	SameAsDefaults(t, honest, config.Job{}, config.Default().Job)

	r := &Recorder{TB: t}
	SameAsDefaults(r, rederives, config.Job{}, config.Default().Job)
	if len(r.Failures) != 1 {
		t.Fatalf("a re-derived PollInterval gave %d failures, want 1: %q", len(r.Failures), r.Failures)
	}
	if want := "PollInterval: zero section gives 10s, defaults give 30s"; !strings.Contains(r.Failures[0], want) {
		t.Errorf("failure %q does not name the field: want %q in it", r.Failures[0], want)
	}
	MustCatch(t, "a constructor refusing the zero section", func(tb testing.TB) {
		SameAsDefaults(tb, func(c config.Job) (config.Job, error) { return c, c.Validate() }, config.Job{}, config.Default().Job)
	})
}
