package zkmembership

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// newGauge registers kylin_cluster_members; unregister removes it again
// (a failed start, Close), so the registry can be used by a new Membership.
func newGauge(reg prometheus.Registerer) (set func(int), unregister func(), err error) {
	if reg == nil {
		return func(int) {}, func() {}, nil
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "kylin_cluster_members", Help: "Nodes registered in ZooKeeper, as this member sees them."})
	if err := reg.Register(g); err != nil {
		return nil, nil, fmt.Errorf("zkmembership: register metrics: %w", err)
	}
	return func(n int) { g.Set(float64(n)) }, func() { reg.Unregister(g) }, nil
}

// zapLogger routes go-zookeeper's log lines to zap at debug level.
type zapLogger struct{ l *zap.Logger }

func (z zapLogger) Printf(format string, args ...any) { z.l.Debug(fmt.Sprintf(format, args...)) }
