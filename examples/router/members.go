package main

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/cluster/zkmembership"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
)

// membership is a cluster.Membership the program must close.
type membership interface {
	cluster.Membership
	Close() error
}

type staticMembers struct{ *cluster.Members }

func (s staticMembers) Close() error { return s.Members.Close() }

// openMembership follows ZooKeeper when self-discovery is on (watching
// only: the router is not a Kylin node), else the static server lists.
func openMembership(ctx context.Context, cfg config.Config, reg prometheus.Registerer, log *zap.Logger) (membership, error) {
	if cfg.Server.SelfDiscovery {
		m, err := zkmembership.New(ctx, cfg.ZooKeeper, nil, zkmembership.WithEnv(hostenv.Env{Logger: log, Registerer: reg}))
		if err != nil {
			return nil, fmt.Errorf("discovering query nodes in ZooKeeper %q: %w", cfg.ZooKeeper.ConnectString, err)
		}
		return m, nil
	}
	m, err := cluster.StaticFromConfig(cfg.Server)
	if err != nil {
		return nil, err
	}
	if len(m.Nodes()) == 0 {
		m.Close()
		return nil, fmt.Errorf("no query nodes: set kylin.server.cluster-servers (or kylin.server.self-discovery-enabled=true)")
	}
	return staticMembers{m}, nil
}
