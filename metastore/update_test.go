package metastore_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// TestUpdateConcurrentIncrements checks that 8 writers add 1 to a counter 50
// times each through Update; no increment may be lost.
func TestUpdateConcurrentIncrements(t *testing.T) {
	ctx := context.Background()
	incr := func(old []byte, exists bool) ([]byte, error) {
		n := 0
		if exists {
			var err error
			if n, err = strconv.Atoi(string(old)); err != nil {
				return nil, err
			}
		}
		return []byte(strconv.Itoa(n + 1)), nil
	}
	run := func(step func(metastore.Store) error) int {
		s := memstore.New()
		defer s.Close()
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 50 {
					if err := step(s); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		r, err := s.Get(ctx, "/counter")
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(string(r.Content))
		return n
	}
	if n := run(func(s metastore.Store) error { _, err := metastore.Update(ctx, s, "/counter", incr); return err }); n != 400 {
		t.Errorf("counter after 400 Updates = %d; want 400", n)
	}
}

// TestUpdateRetriesInterleavedWriter checks that another writer increments
// between Update's read and its write; Update must retry and keep both
// increments. The negative control is the same interleaving with a read and
// then PutLastWriterWins, which must lose the other writer's increment.
func TestUpdateRetriesInterleavedWriter(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		want string
		mine func(s metastore.Store, between func()) error
	}{
		{"Update", "2", func(s metastore.Store, between func()) error {
			_, err := metastore.Update(ctx, s, "/n", func(old []byte, exists bool) ([]byte, error) {
				between()
				return plusOne(old, exists), nil
			})
			return err
		}},
		{"negative control: read then PutLastWriterWins", "1", func(s metastore.Store, between func()) error {
			r, err := s.Get(ctx, "/n")
			if err != nil && !errors.Is(err, metastore.ErrNotFound) {
				return err
			}
			between()
			_, err = metastore.PutLastWriterWins(ctx, s, "/n", plusOne(r.Content, err == nil))
			return err
		}},
	} {
		s := memstore.New()
		once := false
		other := func() { // the other writer, once, between read and write
			if !once {
				once = true
				if _, err := s.Put(ctx, "/n", []byte("1"), 0); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := c.mine(s, other); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if r, _ := s.Get(ctx, "/n"); string(r.Content) != c.want {
			t.Errorf("%s: counter = %q; want %q", c.name, r.Content, c.want)
		}
		s.Close()
	}
}

func plusOne(old []byte, exists bool) []byte {
	n := 0
	if exists {
		n, _ = strconv.Atoi(string(old))
	}
	return []byte(strconv.Itoa(n + 1))
}

func TestUpdateStops(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	boom := errors.New("boom")
	if _, err := metastore.Update(ctx, s, "/x", func([]byte, bool) ([]byte, error) { return nil, boom }); err != boom {
		t.Errorf("Update with a failing fn = %v; want fn's error as is", err)
	}
	if ok, _ := s.Exists(ctx, "/x"); ok {
		t.Error("Update wrote although fn failed")
	}
	// fn that always loses the race: another writer bumps the path inside fn.
	cctx, cancel := context.WithCancel(ctx)
	calls := 0
	_, err := metastore.Update(cctx, s, "/y", func(old []byte, exists bool) ([]byte, error) {
		calls++
		if _, err := metastore.PutLastWriterWins(ctx, s, "/y", []byte("other")); err != nil {
			return nil, err
		}
		if calls == 20 {
			cancel()
		}
		return []byte("mine"), nil
	})
	if err != context.Canceled || calls != 20 {
		t.Errorf("Update losing every race = %v after %d calls; want context.Canceled after 20", err, calls)
	}
	if _, err := metastore.Update(ctx, s, "/a/../b", func([]byte, bool) ([]byte, error) { return nil, nil }); !errors.Is(err, metastore.ErrInvalidPath) {
		t.Errorf("Update of a bad path = %v; want ErrInvalidPath", err)
	}
}
