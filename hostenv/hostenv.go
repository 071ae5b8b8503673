// Package hostenv holds what a host application lends every package of this
// module: a logger, a metrics registerer and a clock. Each constructor
// takes it the same way, through its package's WithEnv option:
//
//	e := hostenv.Env{Logger: log, Registerer: prometheus.DefaultRegisterer}
//	bc, err := cluster.NewBroadcaster(cfg.Broadcast, members, cluster.WithEnv(e))
//	engine, err := scheduler.New(cfg.Job, store, locks, scheduler.WithEnv(e))
//	router, err := query.New(cfg.Query, members, query.WithEnv(e))
//
// The zero Env is silent (no logs, no metrics) and uses the system clock.
// Give each component its own logger name with Named.
package hostenv

import (
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/clock"
)

// Env is a logger, a metrics registerer and a clock. Each field's zero
// value is the quiet default: see WithDefaults.
type Env struct {
	// Logger receives what a component cannot return: retries, takeovers,
	// ejections. nil: zap.NewNop().
	Logger *zap.Logger
	// Registerer registers the component's metrics; nil: no metrics. Two
	// components of the same kind need registries of their own (or
	// prometheus.WrapRegistererWith a label), as their metric names match.
	Registerer prometheus.Registerer
	// Clock is the time source; nil: clock.Real.
	Clock clock.Clock
}

// WithDefaults returns e with a nil Logger replaced by zap.NewNop() and a
// nil Clock by clock.Real{}; a nil Registerer stays nil (no metrics).
func (e Env) WithDefaults() Env {
	if e.Logger == nil {
		e.Logger = zap.NewNop()
	}
	if e.Clock == nil {
		e.Clock = clock.Real{}
	}
	return e
}

// Named returns e with its logger named name (zap's Named), for the
// component it is given to.
func (e Env) Named(name string) Env {
	if e.Logger != nil {
		e.Logger = e.Logger.Named(name)
	}
	return e
}
