package scheduler

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// Clock is the engine's time source: the poll, retry backoff and the times
// written into job records. Tests inject one to step time instead of
// sleeping.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Option carries what a properties file cannot: logger, metrics, clock,
// owner id.
type Option func(*options)

type options struct {
	log     *zap.Logger
	reg     prometheus.Registerer
	clock   Clock
	owner   string
	fencing bool
	maxJobs int
	// announcer tells the cluster about the Manager's changes.
	announcer Announcer
	noSpace   bool           // negative control: fences carry no lock-space identity
	onPass    func(end bool) // test hook: a fetch pass starts, ends
}

func collect(opts []Option) options {
	o := options{log: zap.NewNop(), clock: realClock{}, fencing: true}
	for _, f := range opts {
		f(&o)
	}
	if o.log == nil {
		o.log = zap.NewNop()
	}
	if o.clock == nil {
		o.clock = realClock{}
	}
	return o
}

// WithLogger sets the logger; the default is silent.
func WithLogger(l *zap.Logger) Option { return func(o *options) { o.log = l } }

// WithRegisterer registers the engine's metrics; the default is none.
func WithRegisterer(r prometheus.Registerer) Option { return func(o *options) { o.reg = r } }

// WithClock sets the clock (default: the real one).
func WithClock(c Clock) Option { return func(o *options) { o.clock = c } }

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
