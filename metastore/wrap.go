package metastore

import "fmt"

// ConflictError returns the error every backend gives for a failed
// compare-and-set, in one wording: it wraps ErrConflict and names the path,
// the stored timestamp (0 when nothing is stored) and the expected one.
func ConflictError(op, path string, stored, expected int64) error {
	if stored == 0 {
		return fmt.Errorf("%s %s: %w: nothing stored, expected ts %d", op, path, ErrConflict, expected)
	}
	return fmt.Errorf("%s %s: %w: stored ts %d, expected %d", op, path, ErrConflict, stored, expected)
}

// NotFoundError wraps ErrNotFound with the operation and path.
func NotFoundError(op, path string) error {
	return fmt.Errorf("%s %s: %w", op, path, ErrNotFound)
}

// ClosedError wraps ErrClosed with the operation.
func ClosedError(op string) error {
	return fmt.Errorf("%s: %w", op, ErrClosed)
}
