package locallock

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/lock"
)

// Option configures New.
type Option func(*options)

type options struct {
	registerer prometheus.Registerer
	owner      string
	watchQueue int
}

func defaults() options {
	return options{owner: lock.DefaultOwner(), watchQueue: 1024}
}

// WithEnv gives the Locker the host's registerer (the Locker's metrics;
// default none). A local lock space logs nothing and reads no clock.
func WithEnv(e hostenv.Env) Option {
	return func(o *options) { o.registerer = e.Registerer }
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
