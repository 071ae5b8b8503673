package metastore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/internal/testing/clocktest"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// limited is a memstore driver that declares hbasestore-like limits.
type limited struct{ driver.Store }

func (limited) Capabilities() driver.Caps {
	return driver.Caps{Backend: "limited", MaxValue: 4, MaxValueKey: "kylin.test.max"}
}

// sloppy is a driver that ignores the Window and returns its own errors
// with context.Canceled inside: the portable Store must still keep the
// contract.
type sloppy struct {
	driver.Store
	walkErr error
}

func (s sloppy) Walk(ctx context.Context, f string, _ driver.Window, fn func(driver.Resource) error) error {
	if err := s.Store.Walk(ctx, f, driver.Window{}, fn); err != nil {
		return err
	}
	return s.walkErr
}

func TestPortableWording(t *testing.T) {
	ctx := context.Background()
	s := metastore.New(limited{memstore.NewDriver()})
	ts, err := s.Put(ctx, "/cube/x.json", []byte("x"), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, putErr := s.Put(ctx, "/cube/x.json", []byte("y"), ts+1)
	_, getErr := s.Get(ctx, "/x")
	_, emptyErr := s.Put(ctx, "/e", nil, 0)
	_, bigErr := s.Put(ctx, "/big", []byte("12345"), 0)
	_, badErr := s.Get(ctx, "/a/../b")
	delErr := s.DeleteIf(ctx, "/cube/x.json", ts+2)
	createErr := func() error { _, err := s.Put(ctx, "/new", []byte("n"), 3); return err }()
	s.Close()
	_, closedErr := s.List(ctx, "/cube")
	for _, c := range []struct {
		err    error
		target error
		want   string
	}{
		{putErr, metastore.ErrConflict, fmt.Sprintf("metastore: put /cube/x.json: conflict: stored ts %d, expected %d", ts, ts+1)},
		{getErr, metastore.ErrNotFound, "metastore: get /x: not found"},
		{emptyErr, metastore.ErrEmptyContent, "metastore: put /e: empty content not supported by this backend (limited); store at least one byte"},
		{bigErr, metastore.ErrTooLarge, "metastore: put /big: value too large: 5 bytes, more than the 4 this backend (limited) holds (raise kylin.test.max)"},
		{badErr, metastore.ErrInvalidPath, `metastore: get "/a/../b": invalid path: segment ".." is not allowed; paths are absolute from the store root`},
		{delErr, metastore.ErrConflict, fmt.Sprintf("metastore: delete /cube/x.json: conflict: stored ts %d, expected %d", ts, ts+2)},
		{createErr, metastore.ErrConflict, "metastore: put /new: conflict: nothing stored, expected ts 3"},
		{closedErr, metastore.ErrClosed, "metastore: list /cube: store closed"},
	} {
		if c.err == nil || c.err.Error() != c.want || !errors.Is(c.err, c.target) {
			t.Errorf("error = %v; want %q wrapping %v", c.err, c.want, c.target)
		}
		if strings.Count(fmt.Sprint(c.err), "metastore:") != 1 {
			t.Errorf("error %q: the prefix is doubled", c.err)
		}
	}
	var conflict *metastore.Conflict
	if !errors.As(putErr, &conflict) || conflict.Stored != ts || conflict.Expected != ts+1 {
		t.Errorf("errors.As(put conflict) = %+v; want stored %d, expected %d", conflict, ts, ts+1)
	}
}

func TestPortableContextUnwrapped(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := metastore.New(sloppy{Store: memstore.NewDriver(), walkErr: fmt.Errorf("rpc: %w", context.Canceled)})
	defer s.Close()
	if _, err := s.Put(ctx, "/a", []byte("a"), 0); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := s.Get(ctx, "/a"); err != context.Canceled {
		t.Errorf("Get with a cancelled ctx = %#v; want context.Canceled itself", err)
	}
	// A driver error that wraps context.Canceled after ctx ended: ctx.Err().
	if err := s.Walk(ctx, "/", metastore.Window{}, func(metastore.Resource) error { return nil }); err != context.Canceled {
		t.Errorf("Walk = %#v; want context.Canceled itself", err)
	}
}

func TestPortableWalkWindowAndFnError(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.NewStep(time.UnixMilli(1000), time.Millisecond)
	s := metastore.New(sloppy{Store: memstore.NewDriver()}, metastore.WithEnv(hostenv.Env{Clock: clock}))
	defer s.Close()
	var last int64
	for _, p := range []string{"/w/a", "/w/b", "/w/c"} {
		ts, err := s.Put(ctx, p, []byte(p), 0)
		if err != nil {
			t.Fatal(err)
		}
		last = ts
	}
	rs, err := metastore.GetAll(ctx, s, "/w", metastore.Window{From: last})
	if err != nil || len(rs) != 1 || rs[0].Path != "/w/c" {
		t.Fatalf("GetAll over a driver that ignores the window = %v, %v; want only /w/c", rs, err)
	}
	stop := errors.New("stop here")
	if err := s.Walk(ctx, "/w", metastore.Window{}, func(metastore.Resource) error { return stop }); err != stop {
		t.Errorf("Walk = %v; want fn's error as is", err)
	}
	if err := metastore.ListFunc(ctx, s, "/w", func(string) error { return stop }); err != stop {
		t.Errorf("ListFunc = %v; want fn's error as is", err)
	}
}

func TestPortableImporterOnlyWhenDriverImports(t *testing.T) {
	withImport := metastore.New(memstore.NewDriver())
	// Embedding the driver.Store interface hides the Importer ability.
	noImport := metastore.New(struct{ driver.Store }{memstore.NewDriver()})
	for _, c := range []struct {
		s    metastore.Store
		want bool
	}{{withImport, true}, {noImport, false}} {
		if _, ok := c.s.(metastore.Importer); ok != c.want {
			t.Errorf("Store over %T is an Importer: %v; want %v", metastore.DriverOf(c.s), ok, c.want)
		}
		c.s.Close()
	}
	ctx := context.Background()
	s := metastore.New(memstore.NewDriver())
	defer s.Close()
	err := s.(metastore.Importer).Import(ctx, metastore.Resource{Path: "/x", Timestamp: 0})
	if err == nil || !strings.HasPrefix(err.Error(), "metastore: import /x: timestamp 0 is not positive") {
		t.Errorf("Import with ts 0 = %v; want it refused", err)
	}
}

func TestListFuncStreamsAcrossBatches(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	const n = 700 // several of memstore's batches of 256
	for i := range n {
		if _, err := s.Put(ctx, fmt.Sprintf("/f/%04d", i), nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	i := 0
	err := metastore.ListFunc(ctx, s, "/f", func(c string) error {
		if want := fmt.Sprintf("/f/%04d", i); c != want {
			return fmt.Errorf("child %d = %s; want %s", i, c, want)
		}
		i++
		if i%100 == 0 { // writing from fn must not deadlock
			_, err := s.Put(ctx, fmt.Sprintf("/g/%d", i), nil, 0)
			return err
		}
		return nil
	})
	if err != nil || i != n {
		t.Fatalf("ListFunc: %v after %d children; want %d", err, i, n)
	}
}
