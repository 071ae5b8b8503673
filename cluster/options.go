package cluster

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// Clock is the time source of the Broadcaster's retries. Tests inject one
// to step time instead of sleeping.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Option carries what a properties file cannot: logger, metrics, clock,
// transport.
type Option func(*options)

type options struct {
	log       *zap.Logger
	reg       prometheus.Registerer
	clock     Clock
	transport http.RoundTripper
	jitter    func() float64 // in [0, 1)
}

// WithLogger sets the logger; the default is silent.
func WithLogger(l *zap.Logger) Option { return func(o *options) { o.log = l } }

// WithRegisterer registers the Broadcaster's metrics; the default is none.
func WithRegisterer(r prometheus.Registerer) Option { return func(o *options) { o.reg = r } }

// WithClock sets the clock used for retry delays (default: the real one).
func WithClock(c Clock) Option { return func(o *options) { o.clock = c } }

// WithTransport sets the HTTP transport (default: one of our own, sized by
// config.Broadcast.MaxPerRoute and MaxTotal, closed by Close).
func WithTransport(rt http.RoundTripper) Option { return func(o *options) { o.transport = rt } }

// WithJitter sets the source of retry jitter, a function returning values in
// [0, 1) (default math/rand). Tests pass a constant.
func WithJitter(f func() float64) Option { return func(o *options) { o.jitter = f } }
