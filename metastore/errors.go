package metastore

import (
	"errors"
	"strconv"

	"github.com/kylin-go/kylin/metastore/driver"
)

// The portable sentinels, the same values as package driver's
// (ErrNotFound == driver.ErrNotFound). Every Store error wraps one of them,
// once, in an *Error that names the operation and the path:
//
//	metastore: get /cube/x.json: not found
//	metastore: put /cube/x.json: conflict: stored ts 17, expected 12
//
// Test with errors.Is; the native cause stays reachable through Unwrap.
var (
	// ErrNotFound is returned when nothing is stored at the path.
	ErrNotFound = driver.ErrNotFound
	// ErrConflict is returned when a compare-and-set finds another
	// timestamp than the expected one; errors.As with *Conflict reads it.
	ErrConflict = driver.ErrConflict
	// ErrInvalidPath is returned for a path that breaks the path rules;
	// the error says what to change.
	ErrInvalidPath = driver.ErrInvalidPath
	// ErrClosed is returned by every call after Close.
	ErrClosed = driver.ErrClosed
	// ErrTooLarge is returned when the value exceeds what the backend can
	// hold in one cell.
	ErrTooLarge = driver.ErrTooLarge
	// ErrEmptyContent is returned when the backend cannot hold empty
	// content (hbasestore, where an empty cell is Kylin's marker for
	// content stored in HDFS).
	ErrEmptyContent = driver.ErrEmptyContent
	// ErrExternalContent is returned when the resource's content lives
	// outside the store (Kylin's pushed-down big cells); the error names
	// where.
	ErrExternalContent = driver.ErrExternalContent
	// ErrUnknownScheme is returned by Open for a URL whose scheme has no
	// backend registered (import the backend package for its side effect).
	ErrUnknownScheme = errors.New("unknown scheme")
	// ErrBadURL is returned by Open for a metadata URL it cannot parse;
	// the error shows how the URL was read.
	ErrBadURL = errors.New("bad metadata URL")
)

// Conflict is the detail of a failed compare-and-set: the stored
// timestamp (0 when nothing is stored) and the expected one. Its text is
// "conflict: stored ts 17, expected 12" and errors.Is(c, ErrConflict) holds.
type Conflict = driver.Conflict

// Error is the error of a Store operation: "metastore: OP PATH: ERR". Path
// is the clean path, or the argument quoted when it is not a valid path.
type Error struct {
	Op   string // get, exists, list, walk, put, delete, import, close
	Path string
	Err  error
}

func (e *Error) Error() string {
	s := "metastore: " + e.Op
	if e.Path != "" {
		s += " " + e.Path
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// shown is how an error names the path argument p: as is when it is
// clean, quoted otherwise (it may hold control characters or be empty).
func shown(p string) string {
	if alreadyNormal(p) && validate(p) == nil {
		return p
	}
	return strconv.Quote(truncate(p))
}
