package metastore

import "context"

// Importer is an optional Store ability: write a resource exactly as given,
// content and timestamp, whatever is stored at its path. Restoring a backup
// needs it, since Put always picks the new timestamp itself
// (max(now, old+1)) and so cannot give a restored resource its original one.
//
// Import bypasses compare-and-set: it is for a store that nobody else
// writes meanwhile (a restore into an empty store, a migration). Callers
// detect it with a type assertion; a Store without it can only be filled
// through Put, with new timestamps. A Store from New or Open has it exactly
// when its driver implements driver.Importer (every backend in this
// repository does).
type Importer interface {
	// Import stores r.Content at r.Path with timestamp r.Timestamp,
	// replacing any resource there. The path is cleaned with CleanPath; a
	// timestamp below 1 is refused, since 0 means "no resource" to
	// compare-and-set.
	Import(ctx context.Context, r Resource) error
}

// BatchImporter is Importer for many resources at once: a restore into
// HBase sends them in few round trips instead of one per resource. A Store
// from New or Open offers it whenever it offers Importer; over a driver
// without driver.BatchImporter it imports one resource after another.
type BatchImporter interface {
	Importer
	// ImportBatch imports every resource of rs as Import does and returns
	// one error per resource, in the order of rs (nil: written), or nil
	// when every one was written. Each error is worded as Import's, naming
	// its resource; a failed resource does not stop the others.
	ImportBatch(ctx context.Context, rs []Resource) []error
}
