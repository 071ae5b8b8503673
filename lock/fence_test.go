package lock_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/kylin-go/kylin/lock"
)

func TestFenceRefusesOlderTokens(t *testing.T) {
	var f lock.Fence
	for _, tok := range []uint64{5, 5, 9} {
		if err := f.Admit("/k", tok); err != nil {
			t.Fatalf("Admit(%d) = %v", tok, err)
		}
	}
	if err := f.Admit("/k", 7); !errors.Is(err, lock.ErrStaleToken) {
		t.Fatalf("Admit(7) after 9 = %v, want ErrStaleToken", err)
	}
	if err := f.Admit("/other", 1); err != nil {
		t.Fatalf("tokens are per key: %v", err)
	}
	wrote := false
	if err := f.Do("/k", 8, func() error { wrote = true; return nil }); !errors.Is(err, lock.ErrStaleToken) || wrote {
		t.Fatalf("Do with stale token: err=%v wrote=%v", err, wrote)
	}
	if f.Newest("/k") != 9 {
		t.Fatalf("Newest = %d, want 9", f.Newest("/k"))
	}
}

func ExampleFence() {
	var f lock.Fence
	fmt.Println(f.Admit("/job_engine/lock/j1", 10)) // the first holder writes
	fmt.Println(f.Admit("/job_engine/lock/j1", 12)) // the next holder writes
	err := f.Admit("/job_engine/lock/j1", 10)       // the first one wakes up late
	fmt.Println(errors.Is(err, lock.ErrStaleToken))
	// Output:
	// <nil>
	// <nil>
	// true
}
