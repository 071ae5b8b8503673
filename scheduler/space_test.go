package scheduler

import (
	"fmt"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// twoSpaces runs the trap of two processes that each use locallock.New over
// one store: engine a runs a job (its step blocks), then engine b, in its
// own lock space, looks at every job. It returns b's executor, b's stats
// and its ERROR logs.
func twoSpaces(t *testing.T, mode int, opts ...Option) (*gateExec, Stats, *observer.ObservedLogs) {
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
	b := newTestEngine(t, testConfig(mode), ws, lb, append([]Option{WithOwner("b"), WithEnv(hostenv.Env{Logger: zap.New(core)}), withPassHook(pw.hook)}, opts...)...)
	b.Register("T", exB)
	pw.after(t, func() { _ = b.Start() })
	waitFor(t, "b to be active", pw.c, func() bool { return b.Stats().Active })
	for i := 0; i < 3; i++ {
		pw.after(t, b.Wake)
		pw.after(t, func() { b.WakeJob("j") })
	}
	return exB, b.Stats(), logs
}

// TestOtherLockSpaceRefused: an engine that finds a job claimed through
// another lock space neither runs it nor takes it over, and says why once
// (ERROR log, Stats). Without the space in the fence (the negative
// control), the second engine runs the job too, and the test sees it.
func TestOtherLockSpaceRefused(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			exB, st, logs := twoSpaces(t, mode)
			if len(exB.started) != 0 || st.Started != 0 || st.Running != 0 {
				t.Fatalf("the engine of the other space started the job (stats %+v); want it left alone", st)
			}
			if st.OtherSpace != 1 || logs.FilterMessageSnippet("another lock space").Len() != 1 {
				t.Fatalf("stats %+v, %d ERROR logs: want the refusal said once", st, logs.FilterMessageSnippet("another lock space").Len())
			}
		})
		t.Run(fmt.Sprint(mode, "/control"), func(t *testing.T) {
			exB, _, _ := twoSpaces(t, mode, withoutLockSpace())
			// Without lock spaces in the fence the second engine runs the
			// job too: the test must see that double run.
			recv(t, "the second engine to run the job too (the control)", exB.started)
		})
	}
}
