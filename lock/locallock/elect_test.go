package locallock

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/kylin-go/kylin/lock"
)

// TestElectExcludes checks that two candidates of one lock space lead one at a
// time, the second takes over when the first leaves, and tokens increase.
func TestElectExcludes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := New()
	b := a.Fork("b")
	defer a.Close()
	defer b.Close()
	first, err := lock.Elect(ctx, a, "/job_engine/leader", "host-a:7070")
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Millisecond)
	_, err = lock.Elect(wctx, b, "/job_engine/leader", "host-b:7070")
	wcancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second candidate while the first leads: %v, want DeadlineExceeded", err)
	}
	got := make(chan lock.Lease, 1)
	go func() {
		ls, err := b.Elect(ctx, "/job_engine/leader", "host-b:7070")
		if err != nil {
			t.Error(err)
		}
		got <- ls
	}()
	if err := first.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	second := <-got
	if second == nil {
		t.FailNow()
	}
	if second.Token() <= first.Token() || second.Owner() != "b" {
		t.Fatalf("second leader token %d owner %q; first token %d", second.Token(), second.Owner(), first.Token())
	}
	if err := second.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
}

func ExampleLocker_Elect() {
	ctx := context.Background()
	node1 := New(WithOwner("1@node1"))
	node2 := node1.Fork("2@node2")
	defer node1.Close()
	defer node2.Close()

	// lock.Elect uses a Locker's Elect when it has one (zklock joins
	// Kylin's Curator queue), and Lock otherwise.
	leader, _ := lock.Elect(ctx, node1, "/job_engine/leader", "node1:7070")
	fmt.Println(leader.Owner())

	next := make(chan lock.Lease)
	go func() {
		ls, _ := lock.Elect(ctx, node2, "/job_engine/leader", "node2:7070")
		next <- ls
	}()
	_ = leader.Unlock(ctx) // step down: the next candidate leads
	successor := <-next
	fmt.Println(successor.Owner(), successor.Token() > leader.Token())
	_ = successor.Unlock(ctx)
	// Output:
	// 1@node1
	// 2@node2 true
}
