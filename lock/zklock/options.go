package zklock

import (
	"net"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/clock"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/lock"
)

// Option configures New.
type Option func(*options)

type options struct {
	logger     *zap.Logger
	registerer prometheus.Registerer
	owner      string
	clock      clock.Clock // lease liveness; must be monotonic (clock.Real is)
	dialer     zk.Dialer
	margin     func(time.Duration) time.Duration
	// noDeadline turns the liveness deadline off, leaving only expiry
	// notices: the broken lock of the fault tests' negative control.
	noDeadline bool
}

func collectOptions(opts []Option) options {
	o := options{owner: lock.DefaultOwner(), dialer: net.DialTimeout, margin: DefaultMargin}
	for _, opt := range opts {
		opt(&o)
	}
	e := hostenv.Env{Logger: o.logger, Registerer: o.registerer, Clock: o.clock}.WithDefaults()
	o.logger, o.clock = e.Logger, e.Clock
	return o
}

// DefaultMargin is the safety margin subtracted from the session timeout:
// a fifth of it, at least 200 ms. It covers the server's clock running
// slightly faster than ours and the time a holder needs to react to Done.
func DefaultMargin(timeout time.Duration) time.Duration {
	return max(timeout/5, min(200*time.Millisecond, timeout/2))
}

// WithEnv gives the Locker the host's logger, registerer (the Locker's
// metrics) and clock (lease liveness: it must be monotonic, as clock.Real
// is). The default is silent, without metrics, on the real clock.
func WithEnv(e hostenv.Env) Option {
	return func(o *options) { o.logger, o.registerer, o.clock = e.Logger, e.Registerer, e.Clock }
}

// WithOwner sets the owner id written into lock znodes (default
// lock.DefaultOwner(), Kylin's "pid@host"). Ownership itself is decided by
// the znode's ephemeral owner (the session), never by this string.
func WithOwner(owner string) Option {
	return func(o *options) {
		if owner != "" {
			o.owner = owner
		}
	}
}

// WithDialer replaces how connections to ZooKeeper servers are made
// (default net.DialTimeout); tests use it to cut connections.
func WithDialer(d zk.Dialer) Option {
	return func(o *options) {
		if d != nil {
			o.dialer = d
		}
	}
}

// WithSafetyMargin sets the margin subtracted from the negotiated session
// timeout (default DefaultMargin). It must be positive and below the
// timeout; New does not check a function, so it is clamped at use.
func WithSafetyMargin(margin func(timeout time.Duration) time.Duration) Option {
	return func(o *options) {
		if margin != nil {
			o.margin = func(t time.Duration) time.Duration {
				return min(max(margin(t), time.Millisecond), t-time.Millisecond)
			}
		}
	}
}
