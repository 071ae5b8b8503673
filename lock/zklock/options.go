package zklock

import (
	"net"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/lock"
)

// Clock is the time source of lease liveness. It must be monotonic (the
// standard library's time.Now readings are).
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Option configures New.
type Option func(*options)

type options struct {
	logger     *zap.Logger
	registerer prometheus.Registerer
	owner      string
	clock      Clock
	dialer     zk.Dialer
	margin     func(time.Duration) time.Duration
	// noDeadline turns the liveness deadline off, leaving only expiry
	// notices: the broken lock of the fault tests' negative control.
	noDeadline bool
}

func defaults() options {
	return options{
		logger: zap.NewNop(),
		owner:  lock.DefaultOwner(),
		clock:  systemClock{},
		dialer: net.DialTimeout,
		margin: DefaultMargin,
	}
}

// DefaultMargin is the safety margin subtracted from the session timeout:
// a fifth of it, at least 200 ms. It covers the server's clock running
// slightly faster than ours and the time a holder needs to react to Done.
func DefaultMargin(timeout time.Duration) time.Duration {
	return max(timeout/5, min(200*time.Millisecond, timeout/2))
}

// WithLogger sets the logger (default zap.NewNop()).
func WithLogger(l *zap.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}

// WithRegisterer registers the Locker's metrics (default: none).
func WithRegisterer(r prometheus.Registerer) Option {
	return func(o *options) { o.registerer = r }
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

// WithClock replaces the monotonic clock used for lease liveness.
func WithClock(c Clock) Option {
	return func(o *options) {
		if c != nil {
			o.clock = c
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
