// Package metastoretest is the conformance suite every metastore.Store
// backend runs, in gocloud's drivertest pattern: a backend's test file is a
// harness that opens a fresh store, plus one call to Run.
//
//	func TestConformance(t *testing.T) {
//		metastoretest.Run(t, func(t *testing.T) metastore.Store {
//			s := memstore.New()
//			t.Cleanup(func() { s.Close() })
//			return s
//		}, metastoretest.Capabilities{EmptyContent: true})
//	}
//
// Backends declare what they cannot do in Capabilities; the suite then
// checks the declared refusal (for example ErrEmptyContent) instead of
// skipping. Each check works under its own random root folder and removes
// what it wrote, so the suite can run against a shared store such as one
// HBase table.
//
// The checks: not found, compare-and-set conflicts and their error text,
// strictly increasing timestamps, binary, large, empty and copied content,
// unicode and sloppy paths, bad paths rejected with nothing written, List
// order and folder folding, Exists on folders, Walk with time windows and
// GetAll, windowed Walk after overwrites, deletes and re-creates (what a
// backend's timestamp index must follow), Delete and DeleteIf, cancelled contexts, use after Close, and
// concurrent compare-and-set from several goroutines whose history is
// checked for linearizability with porcupine (a compare-and-set register per
// path). The package's own tests run the checks against a deliberately
// broken store and assert that they fail.
package metastoretest
