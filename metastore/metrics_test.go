package metastore_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

func TestMetricsCountByResult(t *testing.T) {
	ctx := context.Background()
	reg := prometheus.NewPedanticRegistry()
	a := memstore.New(metastore.WithEnv(hostenv.Env{Registerer: reg}))
	b := memstore.New(metastore.WithEnv(hostenv.Env{Registerer: reg})) // shares the collector
	defer a.Close()
	defer b.Close()
	ts, _ := a.Put(ctx, "/x", []byte("x"), 0)
	_, _ = a.Put(ctx, "/x", []byte("x"), ts+5)
	_, _ = b.Get(ctx, "/missing")
	_, _ = b.Get(ctx, "/bad/../path")

	want := map[[2]string]float64{
		{"put", "ok"}: 1, {"put", "conflict"}: 1, {"get", "not_found"}: 1, {"get", "invalid"}: 1,
	}
	if n, err := histogramCount(reg, "put"); err != nil || n != 2 {
		t.Errorf("operation_seconds{op=put} count = %d, %v; want 2", n, err)
	}
	for k, n := range want {
		m, err := metricsFor(reg, k[0], k[1])
		if err != nil || m != n {
			t.Errorf("operations{op=%s,result=%s} = %v, %v; want %v", k[0], k[1], m, err, n)
		}
	}
}

// metricsFor reads one counter of kylin_metastore_operations_total.
func metricsFor(reg *prometheus.Registry, op, result string) (float64, error) {
	mfs, err := reg.Gather()
	if err != nil {
		return 0, err
	}
	for _, mf := range mfs {
		if mf.GetName() != "kylin_metastore_operations_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if labels(m.GetLabel()) == "mem/"+op+"/"+result {
				return m.GetCounter().GetValue(), nil
			}
		}
	}
	return 0, nil
}

func labels(ls []*dto.LabelPair) string {
	v := map[string]string{}
	for _, l := range ls {
		v[l.GetName()] = l.GetValue()
	}
	return v["backend"] + "/" + v["op"] + "/" + v["result"]
}

// histogramCount reads the sample count of kylin_metastore_operation_seconds
// for op on the memstore backend.
func histogramCount(reg *prometheus.Registry, op string) (uint64, error) {
	mfs, err := reg.Gather()
	if err != nil {
		return 0, err
	}
	for _, mf := range mfs {
		if mf.GetName() != "kylin_metastore_operation_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if labels(m.GetLabel()) == "mem/"+op+"/" {
				return m.GetHistogram().GetSampleCount(), nil
			}
		}
	}
	return 0, nil
}
