package config

import (
	"errors"
	"reflect"
	"strings"
)

// None switches off a count, size, share or wait whose zero value would
// take the default: Query{MaxRetries: config.None} means no retries,
// Metastore{CacheBytes: config.None} no cache. It is the only negative
// value those fields accept. In a properties file such a key is written
// as 0 ("kylin.metadata.sync-retries=0"); Load stores it as None.
//
// The fields that take None are Metastore.HBaseClientRetries and
// CacheBytes, Broadcast.SyncRetries, ZooKeeper.MaxRetries,
// Job.RetryInterval and MetadataPersistRetry, Query.MaxRetries,
// RetryBudget, ReplayBodyBytes, MaxEjectedShare and MaxIdleConnsPerNode.
// Use Count, or max(v, 0), to read one as a plain number.
const None = -1

// Count reads a field that takes None: None (and any negative value) is 0.
func Count[T ~int | ~int64 | ~float64](v T) T { return max(v, 0) }

// Each section has the same two methods, the one home of its defaults and
// its checks; constructors call them and re-derive nothing:
//
//	cfg = cfg.WithDefaults()          // zero fields take Default()'s values
//	if err := cfg.Validate(); err != nil { ... }
//
// WithDefaults fills every zero field from Default() and nothing else
// (booleans are phrased so that false is the default, and a feature is
// turned off with None or a field of its own such as Query.NoHealthCheck).
// Validate checks the section as it is, naming each key, value and what is
// allowed ("config: kylin.metadata.sync-retries=-2: must be at least 0 ..."); a zero field is reported, so call it after WithDefaults. Both
// leave the receiver unchanged.

// WithDefaults returns m with its zero fields set to Default().Metastore's.
func (m Metastore) WithDefaults() Metastore { return fillZero(m, Default().Metastore) }

// Validate checks m alone (see Config.Validate for a whole file).
func (m Metastore) Validate() error {
	return checkSection(func(c *Config) { c.Metastore = m }, (*validator).metastore)
}

// WithDefaults returns s with its zero fields set to Default().Server's.
func (s Server) WithDefaults() Server { return fillZero(s, Default().Server) }

// Validate checks s alone (see Config.Validate for a whole file).
func (s Server) Validate() error {
	return checkSection(func(c *Config) { c.Server = s }, (*validator).server)
}

// WithDefaults returns b with its zero fields set to Default().Broadcast's.
func (b Broadcast) WithDefaults() Broadcast { return fillZero(b, Default().Broadcast) }

// Validate checks b alone (see Config.Validate for a whole file).
func (b Broadcast) Validate() error {
	return checkSection(func(c *Config) { c.Broadcast = b }, (*validator).broadcast, (*validator).broadcastTLS)
}

// WithDefaults returns z with its zero fields set to Default().ZooKeeper's.
// An empty ConnectString stays empty (no ZooKeeper).
func (z ZooKeeper) WithDefaults() ZooKeeper { return fillZero(z, Default().ZooKeeper) }

// Validate checks z alone (see Config.Validate for a whole file).
func (z ZooKeeper) Validate() error {
	return checkSection(func(c *Config) { c.ZooKeeper = z }, (*validator).zooKeeper)
}

// WithDefaults returns j with its zero fields set to Default().Job's.
func (j Job) WithDefaults() Job { return fillZero(j, Default().Job) }

// Validate checks j alone (see Config.Validate for a whole file).
func (j Job) Validate() error { return checkSection(func(c *Config) { c.Job = j }, (*validator).job) }

// WithDefaults returns q with its zero fields set to Default().Query's.
func (q Query) WithDefaults() Query { return fillZero(q, Default().Query) }

// Validate checks q alone (see Config.Validate for a whole file).
func (q Query) Validate() error {
	return checkSection(func(c *Config) { c.Query = q }, (*validator).query)
}

// WithDefaults returns s with its zero fields set to Default().Storage's.
func (s Storage) WithDefaults() Storage { return fillZero(s, Default().Storage) }

// Validate checks s alone (see Config.Validate for a whole file).
func (s Storage) Validate() error {
	return checkSection(func(c *Config) { c.Storage = s }, (*validator).storage)
}

// WithDefaults returns s with its zero fields set to Default().Security's.
func (s Security) WithDefaults() Security { return fillZero(s, Default().Security) }

// Validate checks s alone; whether its users can check the credentials the
// broadcaster sends is a whole-file check (Config.Validate).
func (s Security) Validate() error {
	return checkSection(func(c *Config) { c.Security = s }, (*validator).users)
}

// WithDefaults returns h with its zero fields set to Default().HTTP's.
func (h HTTP) WithDefaults() HTTP { return fillZero(h, Default().HTTP) }

// Validate checks h alone (see Config.Validate for a whole file).
func (h HTTP) Validate() error {
	return checkSection(func(c *Config) { c.HTTP = h }, (*validator).http)
}

// noneFields are the fields that take None; a file's 0 for their key is
// stored as None, since a zero field would take the default.
var noneFields = map[string]bool{
	"Metastore.HBaseClientRetries": true, "Metastore.CacheBytes": true,
	"Broadcast.SyncRetries": true, "ZooKeeper.MaxRetries": true,
	"Job.RetryInterval": true, "Job.MetadataPersistRetry": true,
	"Query.MaxRetries": true, "Query.RetryBudget": true, "Query.ReplayBodyBytes": true,
	"Query.MaxEjectedShare": true, "Query.MaxIdleConnsPerNode": true,
}

// zeroToNone sets field ("Query.MaxRetries") of c to None when it is 0.
func zeroToNone(c *Config, field string) {
	section, name, _ := strings.Cut(field, ".")
	f := reflect.ValueOf(c).Elem().FieldByName(section).FieldByName(name)
	if !f.IsZero() {
		return
	}
	switch f.Kind() {
	case reflect.Float64:
		f.SetFloat(None)
	default:
		f.SetInt(None)
	}
}

// fillZero sets every zero field of s (a section struct) to d's.
func fillZero[S any](s, d S) S {
	v, dv := reflect.ValueOf(&s).Elem(), reflect.ValueOf(d)
	for i := range v.NumField() {
		if f := v.Field(i); f.IsZero() {
			f.Set(dv.Field(i))
		}
	}
	return s
}

// checkSection runs the validators of one section over a Config holding
// only it, so its messages read as those of Config.Validate.
func checkSection(set func(*Config), checks ...func(*validator)) error {
	c := Config{section: true}
	set(&c)
	v := validator{c: &c}
	for _, check := range checks {
		check(&v)
	}
	return errors.Join(v.errs...)
}
