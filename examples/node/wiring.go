package main

import (
	"context"
	"fmt"
	"os"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/cluster/zkmembership"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/lock/zklock"
	"github.com/kylin-go/kylin/metastore"
	_ "github.com/kylin-go/kylin/metastore/filestore"  // registers local paths
	_ "github.com/kylin-go/kylin/metastore/hbasestore" // registers NAME@hbase
	_ "github.com/kylin-go/kylin/metastore/jdbcstore"  // registers NAME@jdbc
	_ "github.com/kylin-go/kylin/metastore/memstore"   // registers NAME@mem
)

// openStore opens the metastore of kylin.metadata.url. A local directory is
// created when missing, so a first run needs no preparation.
func openStore(ctx context.Context, cfg config.Config, e hostenv.Env) (metastore.Store, error) {
	u, err := config.ParseMetadataURL(cfg.Metastore.URL)
	if err != nil {
		return nil, fmt.Errorf("kylin.metadata.url=%s: %w", cfg.Metastore.URL, err)
	}
	if u.Scheme == "" || u.Scheme == "file" {
		if err := os.MkdirAll(u.Identifier, 0o755); err != nil {
			return nil, fmt.Errorf("kylin.metadata.url=%s: %w", cfg.Metastore.URL, err)
		}
	}
	s, err := metastore.Open(ctx, cfg.Metastore.URL, metastore.WithConfig(cfg),
		metastore.WithEnv(e))
	if err != nil {
		return nil, fmt.Errorf("kylin.metadata.url=%s: %w", cfg.Metastore.URL, err)
	}
	return s, nil
}

// openLocker returns ZooKeeper locks when the configuration asks for them
// and names a ZooKeeper, else in-process locks (one node only).
func openLocker(ctx context.Context, cfg config.Config, e hostenv.Env) (lock.Locker, error) {
	zkc := cfg.ZooKeeper
	if zkc.LockBackend == config.LockZooKeeper && zkc.ConnectString != "" {
		l, err := zklock.New(ctx, zkc, zklock.WithEnv(e))
		if err != nil {
			return nil, fmt.Errorf("zookeeper locks at %s (kylin.env.zookeeper-connect-string): %w", zkc.ConnectString, err)
		}
		return l, nil
	}
	if zkc.LockBackend == config.LockZooKeeper {
		e.Logger.Warn("no ZooKeeper configured (kylin.env.zookeeper-connect-string): using in-process locks, " +
			"which only a single node may use; set kylin.go.lock.backend=local to silence this")
	}
	return locallock.New(locallock.WithEnv(e)), nil
}

// openMembership returns ZooKeeper discovery (registering self) when
// kylin.server.self-discovery-enabled is true, else the static server list,
// which is this node alone when the list is empty.
func openMembership(ctx context.Context, cfg config.Config, self cluster.Node, e hostenv.Env) (cluster.Membership, func() error, error) {
	if cfg.Server.SelfDiscovery {
		m, err := zkmembership.New(ctx, cfg.ZooKeeper, &self, zkmembership.WithEnv(e))
		if err != nil {
			return nil, nil, fmt.Errorf("self discovery in ZooKeeper at %q (kylin.server.self-discovery-enabled=true): %w",
				cfg.ZooKeeper.ConnectString, err)
		}
		return m, m.Close, nil
	}
	m, err := cluster.StaticFromConfig(cfg.Server)
	if err != nil {
		return nil, nil, fmt.Errorf("kylin.server.cluster-servers: %w", err)
	}
	_, listed := cfg.Sources["kylin.server.cluster-servers"]
	_, withMode := cfg.Sources["kylin.server.cluster-servers-with-mode"]
	switch {
	case !listed && !withMode:
		m.Set([]cluster.Node{self}) // Kylin's default list is localhost:7070; alone, we are the list
	case !contains(m.Nodes(), self.Addr):
		e.Logger.Warn("kylin.server.cluster-servers does not list this node; adding it, as every node must list itself",
			zap.String("self", self.Addr))
		m.Set(append(m.Nodes(), self))
	}
	return m, m.Close, nil
}

func contains(nodes []cluster.Node, addr string) bool {
	for _, n := range nodes {
		if n.Addr == addr {
			return true
		}
	}
	return false
}
