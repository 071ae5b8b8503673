package locallock

import (
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/lock"
)

// Option configures New.
type Option func(*options)

type options struct {
	logger     *zap.Logger
	registerer prometheus.Registerer
	owner      string
	watchQueue int
}

func defaults() options {
	return options{logger: zap.NewNop(), owner: lock.DefaultOwner(), watchQueue: 1024}
}

// WithLogger sets the logger (default: zap.NewNop()).
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

// WithOwner sets the owner id stored with every lease (default
// lock.DefaultOwner(), "pid@host").
func WithOwner(owner string) Option {
	return func(o *options) {
		if owner != "" {
			o.owner = owner
		}
	}
}

// WithWatchQueue bounds the events a slow watcher may fall behind by
// before they are dropped and replaced by one EventResync (default 1024).
func WithWatchQueue(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.watchQueue = n
		}
	}
}
