package zkmembership

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

func newGauge(reg prometheus.Registerer) (func(int), error) {
	if reg == nil {
		return func(int) {}, nil
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "kylin_cluster_members", Help: "Nodes registered in ZooKeeper, as this member sees them."})
	if err := reg.Register(g); err != nil {
		return nil, fmt.Errorf("zkmembership: register metrics: %w", err)
	}
	return func(n int) { g.Set(float64(n)) }, nil
}

// zapLogger routes go-zookeeper's log lines to zap at debug level.
type zapLogger struct{ l *zap.Logger }

func (z zapLogger) Printf(format string, args ...any) { z.l.Debug(fmt.Sprintf(format, args...)) }
