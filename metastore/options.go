package metastore

import (
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
)

// Options carries what a metadata URL cannot: the host's hostenv.Env (logger,
// metrics, the clock of new timestamps) and the node's whole configuration
// for the backends that read more of it. Backends read them with Collect.
type Options struct {
	// Env is the host's logger, registerer and clock; Collect fills the
	// defaults (silent, no metrics, the real clock).
	hostenv.Env
	// Config is the node's configuration when the host passed WithConfig,
	// else nil (backends then use config.Default() with the URL given to
	// Open).
	Config *config.Config
}

// Option sets one field of Options.
type Option func(*Options)

// WithEnv gives the Store (and its backend) the host's logger, registerer
// and clock (new timestamps; tests step it); the default is silent,
// without metrics, on the real clock.
func WithEnv(e hostenv.Env) Option { return func(o *Options) { o.Env = e } }

// WithConfig gives Open the node's configuration, so that a backend reads
// the kylin.properties keys Kylin's own store reads from KylinConfig:
// hbasestore the kylin.metadata.hbase-* tuning and
// kylin.storage.hbase.cluster-fs, jdbcstore the kylin.metadata.jdbc.* keys.
// The URL given to Open still names the store. Without it, those keys take
// Kylin's defaults.
func WithConfig(c config.Config) Option { return func(o *Options) { o.Config = &c } }

// Collect applies opts over the defaults.
func Collect(opts ...Option) Options {
	var o Options
	for _, f := range opts {
		f(&o)
	}
	o.Env = o.Env.WithDefaults()
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
