package scheduler

import (
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/clock"
	"github.com/kylin-go/kylin/hostenv"
)

// Option carries what a properties file cannot: the host's hostenv.Env,
// owner id, announcer.
type Option func(*options)

type options struct {
	log     *zap.Logger
	reg     prometheus.Registerer
	clock   clock.Clock // the poll, retry backoff and the times written into job records
	owner   string
	fencing bool
	maxJobs int
	// announcer tells the cluster about the Manager's changes.
	announcer Announcer
	noSpace   bool           // negative control: fences carry no lock-space identity
	onPass    func(end bool) // test hook: a fetch pass starts, ends
}

func collect(opts []Option) options {
	o := options{fencing: true}
	for _, f := range opts {
		f(&o)
	}
	e := hostenv.Env{Logger: o.log, Registerer: o.reg, Clock: o.clock}.WithDefaults()
	o.log, o.clock = e.Logger, e.Clock
	return o
}

// WithEnv gives the engine the host's logger, registerer (the engine's
// metrics) and clock (the poll, retry backoff and the times written into
// job records; tests step a cluster/clustertest.Clock instead of
// sleeping). The default is silent, without metrics, on the real clock.
func WithEnv(e hostenv.Env) Option {
	return func(o *options) { o.log, o.reg, o.clock = e.Logger, e.Registerer, e.Clock }
}

// WithOwner sets the id written as a job's buildInstance (default: the
// lease owner, Kylin's "pid@host").
func WithOwner(owner string) Option { return func(o *options) { o.owner = owner } }

// withFencing turns the fence check off for the negative control test:
// a deposed owner's writes then land, and the test must catch them.
func withFencing(on bool) Option { return func(o *options) { o.fencing = on } }

// withMaxJobs bounds the engine's job table (tests of the bound).
func withMaxJobs(n int) Option { return func(o *options) { o.maxJobs = n } }

// withPassHook calls f before and after every fetch pass (tests wait on
// it).
func withPassHook(f func(end bool)) Option { return func(o *options) { o.onPass = f } }

// withoutLockSpace leaves the lock-space identity out of fences, as before
// there was one: the negative control of the two-spaces test.
func withoutLockSpace() Option { return func(o *options) { o.noSpace = true } }
