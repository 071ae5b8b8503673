package metastore

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Update is the read-modify-write every host would otherwise write by
// hand: it reads path, calls fn with the stored content (exists false and
// old nil when nothing is stored), and writes what fn returns with
// compare-and-set against the timestamp it read. When another writer came
// first (ErrConflict) it reads again and calls fn again, so fn must be free
// of side effects and may run several times. It returns the new timestamp.
//
// Update stops with fn's error (returned as is, nothing written), with any
// other store error, or when ctx ends (ctx.Err(), unwrapped). Retries after
// the first few pause for a short, growing, random time, so that writers
// contending on one path all get through.
func Update(ctx context.Context, s Store, path string, fn func(old []byte, exists bool) ([]byte, error)) (int64, error) {
	for attempt := 0; ; attempt++ {
		var old []byte
		var oldTS int64
		r, err := s.Get(ctx, path)
		switch {
		case err == nil:
			old, oldTS = r.Content, r.Timestamp
		case !errors.Is(err, ErrNotFound):
			return 0, err
		}
		content, err := fn(old, err == nil)
		if err != nil {
			return 0, err
		}
		ts, err := s.Put(ctx, path, content, oldTS)
		if !errors.Is(err, ErrConflict) {
			return ts, err
		}
		if err := pause(ctx, attempt); err != nil {
			return 0, err
		}
	}
}

// PutLastWriterWins writes content at path whatever is stored there: the
// last writer wins and earlier concurrent writes are lost without an
// error. It is Update with a function that ignores the stored content;
// prefer Put (compare-and-set) or Update for anything another node may
// change meanwhile.
func PutLastWriterWins(ctx context.Context, s Store, path string, content []byte) (int64, error) {
	return Update(ctx, s, path, func([]byte, bool) ([]byte, error) { return content, nil })
}

// pause waits before retry attempt+1: not at all for the first three
// retries, then a random time up to 1 ms doubling to at most 64 ms.
func pause(ctx context.Context, attempt int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if attempt < 3 {
		return nil
	}
	limit := time.Millisecond << min(attempt-3, 6)
	t := time.NewTimer(rand.N(limit) + 1)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
