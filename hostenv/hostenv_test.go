package hostenv

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kylin-go/kylin/clock"
)

type fixed struct{ clock.Real }

func (fixed) Now() time.Time { return time.Unix(42, 0) }

func TestWithDefaults(t *testing.T) {
	e := Env{}.WithDefaults()
	if e.Logger == nil || e.Logger.Core().Enabled(zap.ErrorLevel) {
		t.Errorf("the default logger is %v; want a silent one", e.Logger)
	}
	if _, ok := e.Clock.(clock.Real); !ok || e.Registerer != nil {
		t.Errorf("defaults: clock %T, registerer %v; want clock.Real and no metrics", e.Clock, e.Registerer)
	}
	core, logs := observer.New(zap.InfoLevel)
	reg := prometheus.NewRegistry()
	kept := Env{Logger: zap.New(core), Registerer: reg, Clock: fixed{}}.WithDefaults()
	if kept.Registerer != reg || kept.Clock.Now() != time.Unix(42, 0) {
		t.Errorf("WithDefaults replaced what was set: %+v", kept)
	}
	kept.Named("engine").Logger.Info("hello")
	if got := logs.All(); len(got) != 1 || got[0].LoggerName != "engine" {
		t.Errorf("Named: logged %+v; want one entry from the logger named engine", got)
	}
	if (Env{}).Named("x").Logger != nil {
		t.Error("Named set a logger where there was none")
	}
}
