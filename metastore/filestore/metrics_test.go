//go:build linux

package filestore

import (
	"context"
	"errors"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/metastore"
)

func TestMetricsCountByResultAcrossStores(t *testing.T) {
	reg := prometheus.NewRegistry()
	dir := t.TempDir()
	ctx := context.Background()
	var stores []metastore.Store
	for range 2 { // the second store reuses the registered collectors
		s, err := Open(ctx, dir, metastore.WithEnv(hostenv.Env{Registerer: reg}))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores = append(stores, s)
	}
	if _, err := stores[0].Put(ctx, "/m/a", []byte("1"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := stores[1].Put(ctx, "/m/a", []byte("2"), 0); !errors.Is(err, metastore.ErrConflict) {
		t.Fatalf("want a conflict, got %v", err)
	}
	stores[1].Get(ctx, "/m/missing")

	got := map[string]float64{}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "kylin_metastore_operations_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			key := ""
			for _, l := range m.GetLabel() {
				key += l.GetName() + "=" + l.GetValue() + " "
			}
			got[key] = m.GetCounter().GetValue()
		}
	}
	// The first Open reads /UUID (not found) and creates it; the second
	// reads it.
	for key, want := range map[string]float64{
		"backend=filestore op=put result=ok ":        2,
		"backend=filestore op=put result=conflict ":  1,
		"backend=filestore op=get result=not_found ": 2,
		"backend=filestore op=get result=ok ":        1,
	} {
		if got[key] != want {
			t.Errorf("%s= %v, want %v (all: %v)", key, got[key], want, got)
		}
	}
}
