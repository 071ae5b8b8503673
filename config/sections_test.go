package config

import (
	"reflect"
	"strings"
	"testing"
)

// TestSectionDefaults: every section's WithDefaults of the zero value is
// Default()'s section, WithDefaults keeps what is set, and is idempotent.
func TestSectionDefaults(t *testing.T) {
	d := Default()
	checks := []struct {
		name       string
		zero, want any
		set        any // one field changed from the default
		setWant    any
	}{
		{"Metastore", Metastore{}.WithDefaults(), d.Metastore, Metastore{CacheBytes: None}.WithDefaults().CacheBytes, int64(None)},
		{"Server", Server{}.WithDefaults(), d.Server, Server{Mode: "query"}.WithDefaults().Mode, "query"},
		{"Broadcast", Broadcast{}.WithDefaults(), d.Broadcast, Broadcast{SyncRetries: None}.WithDefaults().SyncRetries, None},
		{"ZooKeeper", ZooKeeper{}.WithDefaults(), d.ZooKeeper, ZooKeeper{BasePath: "/x"}.WithDefaults().BasePath, "/x"},
		{"Job", Job{}.WithDefaults(), d.Job, Job{Scheduler: 2}.WithDefaults().Scheduler, 2},
		{"Query", Query{}.WithDefaults(), d.Query, Query{NoHealthCheck: true}.WithDefaults().NoHealthCheck, true},
		{"Storage", Storage{}.WithDefaults(), d.Storage, Storage{URL: "x@mem"}.WithDefaults().URL, "x@mem"},
		{"Security", Security{}.WithDefaults(), d.Security, Security{Users: "none"}.WithDefaults().Users, "none"},
		{"HTTP", HTTP{}.WithDefaults(), d.HTTP, HTTP{MaxHeaderBytes: 4096}.WithDefaults().MaxHeaderBytes, 4096},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.zero, c.want) {
			t.Errorf("%s{}.WithDefaults() = %+v, want Default().%s %+v", c.name, c.zero, c.name, c.want)
		}
		if !reflect.DeepEqual(c.set, c.setWant) {
			t.Errorf("%s: a field set by the caller became %v, want %v", c.name, c.set, c.setWant)
		}
	}
	if twice := (Query{MaxRetries: None}).WithDefaults().WithDefaults(); twice.MaxRetries != None {
		t.Errorf("WithDefaults twice turned None into %d", twice.MaxRetries)
	}
}

// TestSectionValidate: each section's Validate accepts its defaults and
// names the key of a bad field; a zero section is refused (call
// WithDefaults first), so Validate does not fill anything itself.
func TestSectionValidate(t *testing.T) {
	d := Default()
	for name, err := range map[string]error{
		"Metastore": d.Metastore.Validate(), "Server": d.Server.Validate(), "Broadcast": d.Broadcast.Validate(),
		"ZooKeeper": d.ZooKeeper.Validate(), "Job": d.Job.Validate(), "Query": d.Query.Validate(),
		"Storage": d.Storage.Validate(), "Security": d.Security.Validate(), "HTTP": d.HTTP.Validate(),
	} {
		if err != nil {
			t.Errorf("Default().%s.Validate() = %v", name, err)
		}
	}
	bad := d.Broadcast
	bad.SyncRetries = -2
	err := bad.Validate()
	if err == nil || !strings.Contains(err.Error(), "config: kylin.metadata.sync-retries=-2: must be at least 0") {
		t.Errorf("Broadcast{SyncRetries: -2}.Validate() = %v, want the key named", err)
	}
	none := d.Query
	none.MaxRetries, none.RetryBudget, none.MaxIdleConnsPerNode = None, None, None
	if err := none.Validate(); err != nil {
		t.Errorf("None where it is allowed: %v", err)
	}
	if err := (Job{}).Validate(); err == nil {
		t.Error("Job{}.Validate() passed: Validate must check the section as it is")
	}
}

// TestFileZeroIsNone: a 0 in a file for a field that takes None is
// stored as None (not 0, which a constructor would read as "default"),
// and the None fields are all real fields.
func TestFileZeroIsNone(t *testing.T) {
	cfg, err := FromMap(map[string]string{
		"kylin.metadata.sync-retries":   "0",
		"kylin.go.metadata.cache-bytes": "0",
		"kylin.go.router.retry-budget":  "0",
		"kylin.go.router.max-retries":   "1",
	}, "inline")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Broadcast.SyncRetries != None || cfg.Metastore.CacheBytes != None || cfg.Query.RetryBudget != None {
		t.Errorf("file zeros: SyncRetries %d, CacheBytes %d, RetryBudget %v; want None each",
			cfg.Broadcast.SyncRetries, cfg.Metastore.CacheBytes, cfg.Query.RetryBudget)
	}
	if cfg.Query.MaxRetries != 1 {
		t.Errorf("MaxRetries = %d, want 1", cfg.Query.MaxRetries)
	}
	if b := cfg.Broadcast.WithDefaults(); b.SyncRetries != None {
		t.Errorf("WithDefaults turned the file's 0 into %d", b.SyncRetries)
	}
	fields := map[string]bool{}
	for _, k := range Keys() {
		fields[k.Field] = true
	}
	for f := range noneFields {
		if !fields[f] {
			t.Errorf("noneFields names %s, which no key fills", f)
		}
	}
}
