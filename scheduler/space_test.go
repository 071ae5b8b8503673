package scheduler

import (
	"fmt"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// twoSpaces runs the trap of two processes that each use locallock.New over
// one store: engine a runs a job (its step blocks), then engine b, in its
// own lock space, looks at every job. It returns how many steps b started
// and b's stats.
func twoSpaces(t *testing.T, mode int, opts ...Option) (int, Stats, *observer.ObservedLogs) {
	ws := newWatchStore(memstore.New())
	t.Cleanup(func() { _ = ws.Close() })
	la, lb := locallock.New(locallock.WithOwner("a")), locallock.New(locallock.WithOwner("b"))
	t.Cleanup(func() { _ = la.Close(); _ = lb.Close() })
	exA, exB := newGateExec(), newGateExec()
	exA.block, exB.block = blockAll, blockAll
	a := newTestEngine(t, testConfig(mode), ws, la, append([]Option{WithOwner("a")}, opts...)...)
	a.Register("T", exA)
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Manager().Add(testCtx(t), jobOf("j", "T", 2)); err != nil {
		t.Fatal(err)
	}
	recv(t, "a to start the step", exA.started)

	core, logs := observer.New(zap.ErrorLevel)
	pw := newPassWaiter()
	b := newTestEngine(t, testConfig(mode), ws, lb, append([]Option{WithOwner("b"), WithLogger(zap.New(core)), withPassHook(pw.hook)}, opts...)...)
	b.Register("T", exB)
	pw.after(t, func() { _ = b.Start() })
	waitFor(t, "b to be active", pw.c, func() bool { return b.Stats().Active })
	for i := 0; i < 3; i++ {
		pw.after(t, b.Wake)
		pw.after(t, func() { b.WakeJob("j") })
	}
	started := 0
	for {
		select {
		case <-exB.started:
			started++
			continue
		default:
		}
		break
	}
	return started, b.Stats(), logs
}

// TestOtherLockSpaceRefused: an engine that finds a job claimed through
// another lock space neither runs it nor takes it over, and says why once
// (ERROR log, Stats). Without the space in the fence (the negative
// control), the second engine runs the job too, and the test sees it.
func TestOtherLockSpaceRefused(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			started, st, logs := twoSpaces(t, mode)
			if started != 0 || st.Started != 0 {
				t.Fatalf("the engine of the other space started %d steps (stats %+v); want none", started, st)
			}
			if st.OtherSpace != 1 || logs.FilterMessageSnippet("another lock space").Len() != 1 {
				t.Fatalf("stats %+v, %d ERROR logs: want the refusal said once", st, logs.FilterMessageSnippet("another lock space").Len())
			}
		})
		t.Run(fmt.Sprint(mode, "/control"), func(t *testing.T) {
			started, st, _ := twoSpaces(t, mode, withoutLockSpace())
			if started == 0 && st.Started == 0 {
				t.Fatalf("without lock spaces in the fence the second engine did not run the job (stats %+v): the test cannot see the double run", st)
			}
		})
	}
}
