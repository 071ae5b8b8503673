package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/zklock"
	"github.com/kylin-go/kylin/metastore"
	_ "github.com/kylin-go/kylin/metastore/filestore" // plain paths and DIR@file
	"github.com/kylin-go/kylin/metastore/hbasestore"
	_ "github.com/kylin-go/kylin/metastore/hdfsstore" // NAME@hdfs,path=hdfs://...
	_ "github.com/kylin-go/kylin/metastore/jdbcstore" // NAME@jdbc,url=jdbc:mysql://...
)

// hooks are what tests replace: how locks are reached and whether stderr
// is a terminal.
type hooks struct {
	// openLocker reaches the cluster's locks; the default is ZooKeeper.
	openLocker func(ctx context.Context, cfg config.ZooKeeper) (lock.Locker, error)
	// isTerminal reports whether progress may be drawn on w.
	isTerminal func(f any) bool
	// stdin is what "put PATH -" reads.
	stdin io.Reader
	// dryRun stops every command after its command line is parsed (the
	// fuzz test of the parser).
	dryRun bool
}

func defaultHooks() hooks {
	return hooks{openLocker: openZooKeeper, isTerminal: isTerminal, stdin: os.Stdin}
}

// env is one invocation: its streams, flags and what it opened.
type env struct {
	stdout, stderr io.Writer
	globals        globals
	hooks          hooks
	cfg            *config.Config
	closers        []func()
}

// close releases what the command opened, last opened first.
func (e *env) close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
}

func (e *env) warnf(format string, a ...any) {
	fmt.Fprintf(e.stderr, "kylinctl: "+format+"\n", a...)
}

// config loads kylin.properties once and applies the flag overrides.
func (e *env) config() (config.Config, error) {
	if e.cfg != nil {
		return *e.cfg, nil
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return config.Config{}, err
	}
	e.cfg = &cfg
	return cfg, nil
}

func (e *env) loadConfig() (config.Config, error) {
	raw, source, err := e.readProperties()
	if err != nil {
		return config.Config{}, err
	}
	if e.globals.metadataURL != "" {
		raw["kylin.metadata.url"] = e.globals.metadataURL
	}
	if e.globals.zookeeper != "" {
		raw["kylin.env.zookeeper-connect-string"] = e.globals.zookeeper
		raw["kylin.go.lock.backend"] = config.LockZooKeeper
	}
	cfg, err := config.FromMap(raw, source)
	if err != nil {
		return config.Config{}, fmt.Errorf("configuration is not valid; fix these keys:\n%w", err)
	}
	return cfg, nil
}

// readProperties returns the properties of the configuration directory
// (none when there is none and --metadata-url stands in for it).
func (e *env) readProperties() (map[string]string, string, error) {
	dir, from := e.globals.confDir()
	if dir == "" {
		if e.globals.metadataURL == "" {
			return nil, "", usagef(nil, "no configuration: pass --config DIR (the directory of kylin.properties), "+
				"set KYLIN_CONF or KYLIN_HOME, or pass --metadata-url URL")
		}
		return map[string]string{}, "the command line", nil
	}
	site := filepath.Join(dir, config.SiteFile)
	if _, err := os.Stat(site); err != nil {
		return nil, "", usagef(nil, "%s names %s, which has no readable %s (%v); point it at the directory holding kylin.properties",
			from, dir, config.SiteFile, errors.Unwrap(err))
	}
	cfg, err := config.Load(dir)
	if cfg.Raw == nil && err != nil {
		return nil, "", fmt.Errorf("read %s: %w", site, err)
	}
	if err != nil && e.globals.metadataURL == "" && e.globals.zookeeper == "" {
		return nil, "", fmt.Errorf("configuration in %s is not valid; fix these keys:\n%w", dir, err)
	}
	return maps.Clone(cfg.Raw), site + " (and its .override)", nil
}

// store opens the configured metastore; it is closed when the command ends.
func (e *env) store(ctx context.Context) (metastore.Store, error) {
	cfg, err := e.config()
	if err != nil {
		return nil, err
	}
	s, err := openStore(ctx, cfg.Metastore)
	if err != nil {
		return nil, err
	}
	e.closers = append(e.closers, func() { s.Close() })
	return s, nil
}

// openStore opens a metastore by URL; HBase gets the kylin.metadata.hbase-*
// settings too.
func openStore(ctx context.Context, cfg config.Metastore) (metastore.Store, error) {
	u, err := config.ParseMetadataURL(cfg.URL)
	if err != nil {
		return nil, usageErr(nil, fmt.Errorf("metadata URL %q: %w", cfg.URL, err))
	}
	if u.Scheme == "hbase" {
		return hbasestore.Open(ctx, cfg)
	}
	s, err := metastore.Open(ctx, cfg.URL)
	if errors.Is(err, metastore.ErrUnknownScheme) {
		return nil, usageErr(nil, fmt.Errorf("metadata URL %q: scheme %q is not one kylinctl reaches; "+
			"use a directory (/var/kylin/meta or /var/kylin/meta@file), an HBase table "+
			"(kylin_metadata@hbase,hbase.zookeeper.quorum=HOST:PORT) or an HDFS directory "+
			"(kylin_metadata@hdfs,path=hdfs://NAMENODE:PORT/DIR)", cfg.URL, u.Scheme))
	}
	return s, err
}

// locker reaches the cluster's locks; it is closed when the command ends.
func (e *env) locker(ctx context.Context) (lock.Locker, error) {
	cfg, err := e.config()
	if err != nil {
		return nil, err
	}
	l, err := e.hooks.openLocker(ctx, cfg.ZooKeeper)
	if err != nil {
		return nil, err
	}
	e.closers = append(e.closers, func() { l.Close() })
	return l, nil
}

// openZooKeeper connects to the locks in ZooKeeper, as Kylin's nodes see them.
func openZooKeeper(ctx context.Context, zk config.ZooKeeper) (lock.Locker, error) {
	if zk.ConnectString == "" {
		return nil, usagef(nil, "no ZooKeeper configured for locks: set kylin.env.zookeeper-connect-string "+
			"(or hbase.zookeeper.quorum in the metadata URL), or pass --zookeeper HOST:PORT")
	}
	if zk.LockBackend == config.LockLocal {
		return nil, usagef(nil, "the lock backend is %q (kylin.go.lock.backend): each node keeps its locks inside its own "+
			"process, out of kylinctl's reach; pass --zookeeper HOST:PORT to inspect ZooKeeper locks anyway", zk.LockBackend)
	}
	if zk.ConnectTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, zk.ConnectTimeout)
		defer cancel()
	}
	host, _ := os.Hostname()
	return zklock.New(ctx, zk, zklock.WithOwner(fmt.Sprintf("kylinctl-%d@%s", os.Getpid(), host)))
}
