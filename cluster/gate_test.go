package cluster

import (
	"context"
	"errors"
	"testing"
	"time"
)

// lockAsync takes g in a goroutine and reports the result on the channel.
func lockAsync(ctx context.Context, g *gate, write bool) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- g.lock(ctx, write) }()
	return ch
}

// within waits for one result, failing the test if none comes.
func within(t *testing.T, ch <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still waiting after 10 s", what)
		return nil
	}
}

// pending reports whether ch has no result yet, giving a goroutine that is
// about to finish some time to do so.
func pending(ch <-chan error) bool {
	select {
	case <-ch:
		return false
	case <-time.After(50 * time.Millisecond):
		return true
	}
}

func TestGateExclusiveAndShared(t *testing.T) {
	ctx := context.Background()
	var g gate
	if err := g.lock(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := within(t, lockAsync(ctx, &g, false), "second reader"); err != nil {
		t.Fatalf("a second reader: %v", err)
	}
	w := lockAsync(ctx, &g, true)
	if !pending(w) {
		t.Fatal("a writer got the gate while two readers held it")
	}
	waitWriters(t, &g, 1)
	r := lockAsync(ctx, &g, false)
	if !pending(r) {
		t.Fatal("a new reader got in ahead of a waiting writer")
	}
	g.unlock(false)
	g.unlock(false)
	if err := within(t, w, "writer"); err != nil {
		t.Fatal(err)
	}
	if !pending(r) {
		t.Fatal("a reader got in while the writer held the gate")
	}
	g.unlock(true)
	if err := within(t, r, "reader after the writer"); err != nil {
		t.Fatal(err)
	}
}

// A wait ends with its ctx; a writer that gives up lets the readers it
// held back in.
func TestGateWaitEndsWithCtx(t *testing.T) {
	var g gate
	if err := g.lock(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := lockAsync(ctx, &g, true)
	waitWriters(t, &g, 1)
	r := lockAsync(context.Background(), &g, false)
	if !pending(r) {
		t.Fatal("a reader got in ahead of a waiting writer")
	}
	cancel()
	if err := within(t, w, "cancelled writer"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled writer: %v; want context.Canceled", err)
	}
	if err := within(t, r, "reader after the writer gave up"); err != nil {
		t.Fatal(err)
	}
}

// waitWriters waits until n writers wait for g.
func waitWriters(t *testing.T, g *gate, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		g.mu.Lock()
		got := g.writers
		g.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writers waiting; want %d", got, n)
		}
	}
}
