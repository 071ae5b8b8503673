package metastore

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
)

// Options carries what a metadata URL cannot: logger, metrics, clock, and
// the node's whole configuration for the backends that read more of it.
// Backends read them with Collect.
type Options struct {
	Logger     *zap.Logger           // zap.NewNop() when nil
	Registerer prometheus.Registerer // no metrics when nil
	Now        func() time.Time      // time.Now when nil
	// Config is the node's configuration when the host passed WithConfig,
	// else nil (backends then use config.Default() with the URL given to
	// Open).
	Config *config.Config
}

// Option sets one field of Options.
type Option func(*Options)

// WithLogger sets the logger; the default is silent.
func WithLogger(l *zap.Logger) Option { return func(o *Options) { o.Logger = l } }

// WithRegisterer sets where metrics are registered; the default is none.
func WithRegisterer(r prometheus.Registerer) Option { return func(o *Options) { o.Registerer = r } }

// WithConfig gives Open the node's configuration, so that a backend reads
// the kylin.properties keys Kylin's own store reads from KylinConfig:
// hbasestore the kylin.metadata.hbase-* tuning and
// kylin.storage.hbase.cluster-fs, jdbcstore the kylin.metadata.jdbc.* keys.
// The URL given to Open still names the store. Without it, those keys take
// Kylin's defaults.
func WithConfig(c config.Config) Option { return func(o *Options) { o.Config = &c } }

// WithClock sets the clock used for new timestamps (tests).
func WithClock(now func() time.Time) Option { return func(o *Options) { o.Now = now } }

// Collect applies opts over the defaults.
func Collect(opts ...Option) Options {
	o := Options{Logger: zap.NewNop(), Now: time.Now}
	for _, f := range opts {
		f(&o)
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// NextTimestamp is the timestamp a write that replaces oldTS gets:
// max(now in ms, oldTS+1), so two writes in one millisecond still differ.
func NextTimestamp(now time.Time, oldTS int64) int64 {
	ts := now.UnixMilli()
	if ts <= oldTS {
		ts = oldTS + 1
	}
	return ts
}
