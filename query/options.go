package query

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/hostenv"
)

// Option carries what cannot be written in a properties file.
type Option func(*options)

type options struct {
	logger       *zap.Logger
	registerer   prometheus.Registerer
	transport    http.RoundTripper
	now          func() time.Time
	retryReserve int
	noHealthLoop bool

	errorHandler   ErrorHandler
	modifyResponse func(*http.Response) error
}

func defaultOptions() options {
	e := hostenv.Env{}.WithDefaults()
	return options{logger: e.Logger, now: e.Clock.Now, retryReserve: 10}
}

// WithEnv gives the Router the host's logger (it logs only what it cannot
// return: ejections, recoveries, failed health checks), registerer (the
// Router's metrics) and clock (ejection intervals; tests step it instead
// of sleeping). The default is silent, without metrics, on the real clock.
func WithEnv(e hostenv.Env) Option {
	return func(o *options) {
		e = e.WithDefaults()
		o.logger, o.registerer, o.now = e.Logger, e.Registerer, e.Clock.Now
	}
}

// WithTransport sets the RoundTripper the net/http front end uses to reach
// the nodes (default: a Transport tuned for a proxy, see NewTransport). The
// Router relies on the transport returning a *net.OpError with Op "dial" when
// a connection could not be made: that is how it knows nothing was sent.
func WithTransport(t http.RoundTripper) Option {
	return func(o *options) {
		if t != nil {
			o.transport = t
		}
	}
}

// WithRetryReserve sets how many retries the cluster-wide budget holds when
// the Router starts (10 by default; 0 for none). Each request then adds
// config.Query.RetryBudget to the budget and each retry after a request was
// sent takes one, so retries stay a bounded share of the traffic even when
// every node fails.
func WithRetryReserve(n int) Option {
	return func(o *options) {
		if n >= 0 {
			o.retryReserve = n
		}
	}
}

// WithoutHealthLoop turns off the periodic active health check even when
// config.Query.NoHealthCheck is false; CheckHealth still runs one round. Tests use
// it to drive health checks step by step.
func WithoutHealthLoop() Option {
	return func(o *options) { o.noHealthLoop = true }
}
