package memstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
	"github.com/kylin-go/kylin/metastore/metastoretest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestConformance(t *testing.T) {
	metastoretest.Run(t, func(t *testing.T) metastore.Store {
		s := memstore.New()
		t.Cleanup(func() { s.Close() })
		return s
	}, metastoretest.Capabilities{EmptyContent: true})
}

// TestConformanceOpen runs the suite on handles opened by URL.
func TestConformanceOpen(t *testing.T) {
	metastoretest.Run(t, func(t *testing.T) metastore.Store {
		s, err := metastore.Open(context.Background(), "conformance@mem")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}, metastoretest.Capabilities{EmptyContent: true})
}

func TestOpenSharesByNameAndWritesUUID(t *testing.T) {
	ctx := context.Background()
	a, err := metastore.Open(ctx, "shared@mem")
	if err != nil {
		t.Fatal(err)
	}
	b, err := metastore.Open(ctx, "shared@mem")
	if err != nil {
		t.Fatal(err)
	}
	ua, _ := a.Get(ctx, metastore.UUIDPath)
	ub, _ := b.Get(ctx, metastore.UUIDPath)
	if len(metastore.DecodeStringEntity(ua.Content)) != 36 || string(ua.Content) != string(ub.Content) {
		t.Fatalf("UUIDs %q and %q; want one 36-char UUID shared by both handles", ua.Content, ub.Content)
	}
	ts, err := a.Put(ctx, "/project/p.json", []byte("p"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := b.Get(ctx, "/project/p.json"); err != nil || r.Timestamp != ts {
		t.Fatalf("second handle reads %v, %v; want the first handle's write at ts %d", r, err, ts)
	}
	a.Close()
	if _, err := b.Get(ctx, "/project/p.json"); err != nil {
		t.Fatalf("content lost while a handle is still open: %v", err)
	}
	b.Close()

	c, err := metastore.Open(ctx, "shared@mem")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Get(ctx, "/project/p.json"); !errors.Is(err, metastore.ErrNotFound) {
		t.Fatalf("after the last handle closed, Get = %v; want ErrNotFound (content freed)", err)
	}
	uc, _ := c.Get(ctx, metastore.UUIDPath)
	if string(uc.Content) == string(ua.Content) {
		t.Fatalf("a fresh store reused UUID %q", uc.Content)
	}
}

func TestOpenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := metastore.Open(ctx, "cancelled@mem"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Open with a cancelled ctx = %v; want context.Canceled", err)
	}
}
