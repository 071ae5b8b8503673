package scheduler

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the engine's Prometheus collectors; a nil *metrics records
// nothing.
type metrics struct {
	started *prometheus.CounterVec
	steps   *prometheus.CounterVec
	fenced  prometheus.Counter
	spaces  prometheus.Counter
	running prometheus.Gauge
	active  prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	if reg == nil {
		return nil
	}
	m := &metrics{
		started: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kylin_scheduler_jobs_started_total",
			Help: "Jobs this engine started, by kind (new, takeover)."}, []string{"kind"}),
		steps: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kylin_scheduler_steps_total",
			Help: "Steps run, by result (succeed, error, interrupted)."}, []string{"result"}),
		fenced: prometheus.NewCounter(prometheus.CounterOpts{Name: "kylin_scheduler_fenced_writes_total",
			Help: "State writes refused because a newer lease owns the job."}),
		spaces: prometheus.NewCounter(prometheus.CounterOpts{Name: "kylin_scheduler_other_lock_space_total",
			Help: "Jobs refused because they are claimed through another lock space (once per record version)."}),
		running: prometheus.NewGauge(prometheus.GaugeOpts{Name: "kylin_scheduler_running_jobs",
			Help: "Jobs running on this engine."}),
		active: prometheus.NewGauge(prometheus.GaugeOpts{Name: "kylin_scheduler_engine_active",
			Help: "1 while this engine may start jobs (holds the engine lock in modes 0 and 100)."}),
	}
	m.started = register(reg, m.started)
	m.steps = register(reg, m.steps)
	m.fenced = register(reg, m.fenced)
	m.spaces = register(reg, m.spaces)
	m.running = register(reg, m.running)
	m.active = register(reg, m.active)
	return m
}

// register registers c, or returns the collector already registered under
// its name, so engines may share a registry.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
	}
	return c
}

func (m *metrics) start(kind string) {
	if m != nil {
		m.started.WithLabelValues(kind).Inc()
	}
}

func (m *metrics) step(result string) {
	if m != nil {
		m.steps.WithLabelValues(result).Inc()
	}
}

func (m *metrics) fence() {
	if m != nil {
		m.fenced.Inc()
	}
}

func (m *metrics) setRunning(n int) {
	if m != nil {
		m.running.Set(float64(n))
	}
}

func (m *metrics) setActive(on bool) {
	if m != nil {
		v := 0.0
		if on {
			v = 1
		}
		m.active.Set(v)
	}
}

func (m *metrics) otherSpace() {
	if m != nil {
		m.spaces.Inc()
	}
}
