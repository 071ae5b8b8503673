package driver

import (
	"errors"
	"fmt"
)

// The portable sentinels. Package metastore re-exports the same values
// (metastore.ErrNotFound == driver.ErrNotFound). Their text is bare: the
// portable Store wraps them once with "metastore: OP PATH: ".
var (
	// ErrNotFound is returned when nothing is stored at the path.
	ErrNotFound = errors.New("not found")
	// ErrConflict is what *Conflict matches: a failed compare-and-set.
	ErrConflict = errors.New("conflict")
	// ErrInvalidPath is returned for a path the store cannot hold.
	ErrInvalidPath = errors.New("invalid path")
	// ErrClosed is returned by calls after Close.
	ErrClosed = errors.New("store closed")
	// ErrTooLarge is returned when a value exceeds what the backend holds
	// in one cell.
	ErrTooLarge = errors.New("value too large")
	// ErrEmptyContent is returned when the backend cannot hold empty
	// content (hbasestore, where an empty cell is Kylin's marker for
	// content stored in HDFS).
	ErrEmptyContent = errors.New("empty content not supported by this backend")
	// ErrExternalContent is returned when the resource's content lives
	// outside the store (Kylin's pushed-down big cells); the error names
	// where.
	ErrExternalContent = errors.New("content stored outside the metastore")
)

// Conflict is the error of a failed compare-and-set; errors.Is(c,
// ErrConflict) holds. A driver sets Stored (0: nothing stored); the portable
// Store sets Expected. Package metastore aliases it, so callers can read
// the stored timestamp with errors.As.
type Conflict struct {
	Stored   int64 // the stored timestamp; 0 when nothing is stored
	Expected int64 // the timestamp the caller expected
}

// Error is "conflict: stored ts 17, expected 12".
func (c *Conflict) Error() string {
	if c.Stored == 0 {
		return fmt.Sprintf("%v: nothing stored, expected ts %d", ErrConflict, c.Expected)
	}
	return fmt.Sprintf("%v: stored ts %d, expected %d", ErrConflict, c.Stored, c.Expected)
}

// Is makes errors.Is(c, ErrConflict) true.
func (c *Conflict) Is(target error) bool { return target == ErrConflict }
