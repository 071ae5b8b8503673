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
