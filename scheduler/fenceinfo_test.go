package scheduler

import (
	"testing"
)

// TestResultInfoCannotRewriteFence: a step's Result.Info is merged into
// its record, but the fence stamped there stays the writer's own: an
// Executor that hands back the Info it was given (which carries the
// previous owner's older token) or sets the fence keys must not move the
// record's newest token back, nor forward past every future owner.
func TestResultInfoCannotRewriteFence(t *testing.T) {
	for _, forged := range []string{"5", "18446744073709551615"} {
		m, _ := newTestManager(t)
		ctx := testCtx(t)
		if _, err := m.Add(ctx, jobOf("j", "T", 1)); err != nil {
			t.Fatal(err)
		}
		f := Fence{Key: "/k", Token: 9}
		if _, err := m.claim(ctx, "j", f, "a", nil); err != nil {
			t.Fatal(err)
		}
		if err := m.startStep(ctx, "j", "j-00", f, nil); err != nil {
			t.Fatal(err)
		}
		res := Result{Info: map[string]string{InfoFenceKey: "/k", InfoFenceToken: forged, "mine": "kept"}}
		if err := m.finishStep(ctx, "j", "j-00", f, res, nil); err != nil {
			t.Fatal(err)
		}
		po, _, err := m.readOutput(ctx, "j-00")
		if err != nil {
			t.Fatal(err)
		}
		if po.Info[InfoFenceKey] != "/k" || po.Info[InfoFenceToken] != "9" || po.Info["mine"] != "kept" {
			t.Fatalf("Result.Info with token %s: step info = %v; want the writer's fence /k 9 and the executor's own key", forged, po.Info)
		}
	}
}
