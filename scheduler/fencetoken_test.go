package scheduler

import (
	"errors"
	"testing"
)

// TestAdmitRefusesUnreadableToken: a stored token for our key that does not
// parse may be newer than ours, so the write is refused, never let through.
func TestAdmitRefusesUnreadableToken(t *testing.T) {
	f := &Fence{Key: "/job_engine/lock/j1", Token: 7}
	for _, stored := range []string{"garbage", "", "-3", "18446744073709551616"} {
		info := map[string]string{InfoFenceKey: f.Key, InfoFenceToken: stored}
		if err := f.admit("/execute_output/j1", info, true, true); !errors.Is(err, ErrFenced) {
			t.Errorf("stored token %q: admit = %v, want ErrFenced", stored, err)
		}
		if info[InfoFenceToken] != stored {
			t.Errorf("stored token %q was overwritten with %q by a refused write", stored, info[InfoFenceToken])
		}
	}
	info := map[string]string{InfoFenceKey: f.Key, InfoFenceToken: "7"}
	if err := f.admit("/execute_output/j1", info, true, true); err != nil {
		t.Fatalf("same token: admit = %v, want nil", err)
	}
}
