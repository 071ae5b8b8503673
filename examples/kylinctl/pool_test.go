package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kylin-go/kylin/metastore"
)

// copyOutcome is what a copy through writers did.
type copyOutcome struct {
	err     error
	written map[string]bool // write returned nil
	done    map[string]bool // reported as copied
	sent    int
}

// copyThrough sends n resources through writers whose write fails at the
// path fail (none when ""). write wraps the writer's function (a broken
// wrapper is the negative control).
func copyThrough(n int, fail string, wrap func(func(context.Context, metastore.Resource) error) func(context.Context, metastore.Resource) error) copyOutcome {
	out := copyOutcome{written: map[string]bool{}, done: map[string]bool{}}
	var mu sync.Mutex
	write := func(_ context.Context, r metastore.Resource) error {
		if r.Path == fail {
			return fmt.Errorf("disk full at %s", r.Path)
		}
		mu.Lock()
		out.written[r.Path] = true
		mu.Unlock()
		return nil
	}
	w := startWriters(context.Background(), 3, one(wrap(write)), func(r metastore.Resource) { out.done[r.Path] = true })
	var readErr error
	for i := range n {
		if readErr = w.send(metastore.Resource{Path: fmt.Sprintf("/r/%05d", i)}); readErr != nil {
			break
		}
		out.sent++
	}
	out.err = copyErr(readErr, w.wait())
	return out
}

// violations lists what a copy through writers must not do: succeed
// though a write failed, report a resource it did not write, lose one it
// wrote, or keep reading long after a failure.
func (o copyOutcome) violations(n int, fail string) []string {
	var v []string
	switch {
	case fail == "" && o.err != nil:
		v = append(v, fmt.Sprintf("copy failed without a fault: %v", o.err))
	case fail != "" && (o.err == nil || o.err.Error() != "disk full at "+fail):
		v = append(v, fmt.Sprintf("copy error = %v; want the writer's error, once", o.err))
	}
	for p := range o.done {
		if !o.written[p] {
			v = append(v, "reported but not written: "+p)
		}
	}
	for p := range o.written {
		if !o.done[p] {
			v = append(v, "written but not reported: "+p)
		}
	}
	if fail == "" && len(o.done) != n {
		v = append(v, fmt.Sprintf("%d of %d reported", len(o.done), n))
	}
	if fail != "" && o.sent == n {
		v = append(v, "the reader was not stopped by the failure")
	}
	return v
}

func TestWritersStopOnFailure(t *testing.T) {
	const n = 5000
	same := func(f func(context.Context, metastore.Resource) error) func(context.Context, metastore.Resource) error {
		return f
	}
	if v := copyThrough(n, "", same).violations(n, ""); len(v) > 0 {
		t.Fatalf("fault-free copy: %v", v)
	}
	fail := "/r/00100"
	if v := copyThrough(n, fail, same).violations(n, fail); len(v) > 0 {
		t.Fatalf("copy with a failing write: %v", v)
	}
	// Negative control: writers that drop a write's error must be caught.
	var dropped atomic.Int64
	drop := func(f func(context.Context, metastore.Resource) error) func(context.Context, metastore.Resource) error {
		return func(ctx context.Context, r metastore.Resource) error {
			if err := f(ctx, r); err != nil {
				dropped.Add(1)
			}
			return nil
		}
	}
	v := copyThrough(n, fail, drop).violations(n, fail)
	if dropped.Load() != 1 || len(v) == 0 {
		t.Fatalf("control: writers dropping errors (%d dropped) not caught: %v", dropped.Load(), v)
	}
	t.Logf("control caught: %v", v)
}

// TestWritersCancelled: the caller's ctx ending stops the copy with ctx's
// error.
func TestWritersCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	w := startWriters(ctx, 2, one(func(context.Context, metastore.Resource) error { return nil }), func(metastore.Resource) {})
	cancel()
	var err error
	for i := 0; i < 1000 && err == nil; i++ {
		err = w.send(metastore.Resource{Path: "/x"})
	}
	if err2 := copyErr(err, w.wait()); !errors.Is(err2, context.Canceled) {
		t.Fatalf("cancelled copy = %v; want context.Canceled", err2)
	}
}
