package cluster

import (
	"math/rand/v2"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/clock"
	"github.com/kylin-go/kylin/hostenv"
)

// BroadcasterOption configures NewBroadcaster: WithEnv, WithTransport,
// WithJitter.
type BroadcasterOption interface{ applyBroadcaster(*options) }

// HandlerOption configures NewHandler: WithEnv.
type HandlerOption interface{ applyHandler(*handlerOptions) }

// options are the Broadcaster's.
type options struct {
	log       *zap.Logger
	reg       prometheus.Registerer
	clock     clock.Clock
	transport http.RoundTripper
	jitter    func() float64 // in [0, 1)
}

// collectBroadcaster applies opts over the defaults: silent, no metrics,
// the real clock, our own transport, math/rand jitter.
func collectBroadcaster(opts []BroadcasterOption) options {
	var o options
	for _, f := range opts {
		f.applyBroadcaster(&o)
	}
	e := hostenv.Env{Logger: o.log, Registerer: o.reg, Clock: o.clock}.WithDefaults()
	o.log, o.clock = e.Logger, e.Clock
	if o.jitter == nil {
		o.jitter = rand.Float64
	}
	return o
}

// handlerOptions are the Handler's.
type handlerOptions struct {
	log *zap.Logger
	reg prometheus.Registerer
}

// EnvOption is WithEnv's option; both constructors take it.
type EnvOption struct{ env hostenv.Env }

func (o EnvOption) applyBroadcaster(b *options) {
	b.log, b.reg, b.clock = o.env.Logger, o.env.Registerer, o.env.Clock
}

func (o EnvOption) applyHandler(h *handlerOptions) { h.log, h.reg = o.env.Logger, o.env.Registerer }

// WithEnv gives the Broadcaster (logger, metrics, the clock of its retry
// delays) or the Handler (logger, metrics) the host's hostenv.Env; the
// default is silent, without metrics, on the real clock.
func WithEnv(e hostenv.Env) EnvOption { return EnvOption{e} }

type broadcasterOption func(*options)

func (f broadcasterOption) applyBroadcaster(o *options) { f(o) }

// WithTransport sets the HTTP transport (default: one of our own, sized by
// config.Broadcast.MaxPerRoute and MaxTotal, closed by Close).
func WithTransport(rt http.RoundTripper) BroadcasterOption {
	return broadcasterOption(func(o *options) { o.transport = rt })
}

// WithJitter sets the source of retry jitter, a function returning values in
// [0, 1) (default math/rand). Tests pass a constant.
func WithJitter(f func() float64) BroadcasterOption {
	return broadcasterOption(func(o *options) { o.jitter = f })
}
