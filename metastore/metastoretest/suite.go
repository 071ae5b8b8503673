package metastoretest

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/kylin-go/kylin/metastore"
)

// Capabilities declares what a backend can and cannot do, so the suite
// checks the declared behaviour instead of skipping. The zero value is the
// strictest backend: empty content refused, no size limit, and folders that
// vanish once their last resource is deleted.
type Capabilities struct {
	// EmptyContent means Put of empty (or nil) content stores it. When false,
	// such a Put must fail with metastore.ErrEmptyContent and write nothing
	// (hbasestore: an empty cell is Kylin's marker for content in HDFS).
	EmptyContent bool
	// MaxValueSize is the largest content Put accepts, in bytes; 0 means no
	// limit. Larger content must fail with metastore.ErrTooLarge and write
	// nothing. The suite's big value is 8 MiB, or MaxValueSize if smaller.
	MaxValueSize int64
	// BigValueSizes replaces the suite's big value by values of these sizes
	// (for example 12 MiB and 64 MiB where big cells go to HDFS): the
	// LargeValue check puts each beside a small value, reads it, replaces
	// it, walks it with the small one and deletes it. Sizes over a non-zero
	// MaxValueSize are an error of the caller.
	BigValueSizes []int
	// EmptyFoldersListed means a folder whose last resource was deleted may
	// appear in its parent's List (a directory left behind, as Kylin's
	// FileResourceStore does). When false it must vanish, as in HBase.
	EmptyFoldersListed bool
	// Workers and OpsPerWorker size the concurrent compare-and-set history
	// checked for linearizability; 0 means 8 workers and 40 operations each.
	Workers, OpsPerWorker int
}

// tb is the part of *testing.T a check uses. The suite's own negative
// control runs checks against a recorder that implements it, so a check
// that is meant to fail does not fail the real test.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Failed() bool
}

// check is one named conformance check.
type check struct {
	name string
	fn   func(e *env)
}

// checks is every check Run runs, in order.
var checks = []check{
	{"NotFound", checkNotFound},
	{"PutGet", checkPutGet},
	{"ConflictOnCreate", checkConflictOnCreate},
	{"ConflictStale", checkConflictStale},
	{"Timestamps", checkTimestamps},
	{"BinaryContent", checkBinaryContent},
	{"LargeValue", checkLargeValue},
	{"TooLarge", checkTooLarge},
	{"EmptyContent", checkEmptyContent},
	{"Copies", checkCopies},
	{"UnicodePaths", checkUnicodePaths},
	{"Normalisation", checkNormalisation},
	{"BadPaths", checkBadPaths},
	{"ListFolding", checkListFolding},
	{"ListMissing", checkListMissing},
	{"ExistsFolder", checkExistsFolder},
	{"Walk", checkWalk},
	{"WalkChanges", checkWalkChanges},
	{"Delete", checkDelete},
	{"DeleteIf", checkDeleteIf},
	{"Touch", checkTouch},
	{"ImportBatch", checkImportBatch},
	{"Cancelled", checkCancelled},
	{"Closed", checkClosed},
	{"ConcurrentCAS", checkConcurrentCAS},
}

// Run runs the conformance suite, one subtest per check. open must return a
// fresh handle on the store under test for each call and arrange its Close
// with t.Cleanup (calling Close twice must be safe: one check closes the
// store itself). The store may hold other data, for example a shared HBase
// table: every check works under its own random root folder and deletes
// what it wrote when it ends.
//
// Stores must use the wall clock (no clock in metastore.WithEnv): the suite checks
// that a new timestamp is not older than the time the Put started.
func Run(t *testing.T, open func(t *testing.T) metastore.Store, caps Capabilities) {
	t.Helper()
	run := metastore.NewUUID()[:8]
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			e := newEnv(t, s, caps, "/metastoretest-"+run+"/"+c.name)
			e.vizDir = os.TempDir()
			t.Cleanup(func() { e.removeAll() })
			c.fn(e)
		})
	}
}

// env is what a check works with.
type env struct {
	t    tb
	s    metastore.Store
	caps Capabilities
	root string // clean folder owned by this check
	ctx  context.Context
	// vizDir is where a non-linearizable history is drawn ("" = nowhere).
	vizDir string
}

func newEnv(t tb, s metastore.Store, caps Capabilities, root string) *env {
	return &env{t: t, s: s, caps: caps, root: root, ctx: context.Background()}
}

// p returns the clean path rel below the check's root.
func (e *env) p(rel string) string { return e.root + "/" + rel }

// removeAll deletes what the check wrote; a closed store is left alone.
func (e *env) removeAll() {
	rs, err := metastore.GetAll(e.ctx, e.s, e.root, metastore.Window{})
	if errors.Is(err, metastore.ErrClosed) {
		return
	}
	if err != nil {
		e.t.Errorf("cleanup: walk %s: %v", e.root, err)
		return
	}
	for _, r := range rs {
		if err := e.s.Delete(e.ctx, r.Path); err != nil {
			e.t.Errorf("cleanup: delete %s: %v", r.Path, err)
		}
	}
}
