package bigcell

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/internal/hdfsfs"
)

// Reads of a marker look this often, this far apart, before they call its
// file missing: a Kylin writer moves the file away and back in two renames.
const (
	readAttempts = 3
	readPause    = 100 * time.Millisecond
)

// Match tells how Read found the content of a marker.
type Match int

const (
	// Missing: no file holds it (after a few looks); the backend deletes
	// the marker, as Kylin does.
	Missing Match = iota
	// Exact: a file marked with the row's timestamp (its time, or a
	// backup's name) holds it.
	Exact
	// InPlace: only the file in place was found, whose time is not the
	// row's timestamp: a file Kylin wrote (its time is the time of
	// writing), or one written after the row the caller read. The caller
	// reads the row again: when it still has this timestamp the content
	// is its own; otherwise it reads the row as it is now.
	InPlace
	// NotMarker (from Follow only): the row is no longer a marker.
	NotMarker
)

// Read returns the content behind the marker row of p with timestamp ts
// and how it was found.
func (f *Files) Read(ctx context.Context, p string, ts int64) (data []byte, m Match, err error) {
	for i := range readAttempts {
		data, m, err = f.load(ctx, p, ts)
		if err != nil || m != Missing {
			return data, m, err
		}
		if i < readAttempts-1 && !sleep(ctx, readPause) {
			return nil, Missing, ctx.Err()
		}
	}
	return nil, Missing, nil
}

// load reads the committed file of the marker with timestamp ts.
func (f *Files) load(ctx context.Context, p string, ts int64) (data []byte, m Match, err error) {
	err = f.fs.Do(ctx, func(c *hdfs.Client) error {
		var lastErr error
		for range readAttempts {
			name, id, how, err := f.committed(c, p, ts)
			if err != nil || how == Missing {
				return err
			}
			var fi os.FileInfo
			data, fi, err = hdfsfs.ReadStable(c, name)
			if err == nil && hdfsfs.FileID(fi) != id {
				err = &os.PathError{Op: "read", Path: name, Err: errReplaced}
			}
			if err == nil {
				m = how
				return nil
			}
			lastErr = err // replaced or moved since chosen or while read: look again
		}
		return lastErr
	})
	return data, m, err
}

// committed names the file that holds the content of the marker with
// timestamp ts, and its inode id (a file renamed over it since has
// another: the read checks it): the file in place when its time is ts (our
// writers set it), else the backup a writer made of it, else the file in
// place.
func (f *Files) committed(c *hdfs.Client, p string, ts int64) (string, uint64, Match, error) {
	fi, err := c.Stat(f.File(p))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", 0, Missing, err
	}
	inPlace := err == nil && !fi.IsDir()
	if inPlace && hdfsfs.ModMillis(fi) == ts {
		return f.File(p), hdfsfs.FileID(fi), Exact, nil
	}
	if bi, err := c.Stat(f.Backup(p, ts)); err == nil {
		return f.Backup(p, ts), hdfsfs.FileID(bi), Exact, nil
	}
	if inPlace {
		return f.File(p), hdfsfs.FileID(fi), InPlace, nil
	}
	return "", 0, Missing, nil
}

// errReplaced marks a file replaced between its choice and its read.
var errReplaced = errors.New("replaced since chosen")

// Rereads bounds how often Follow reads the row again before it gives up
// on a path that keeps changing.
const Rereads = 5

// ErrChanging is returned by Follow for a path rewritten under every read.
var ErrChanging = errors.New("big cell rewritten under every read; try again")

// Follow returns the content of p's marker row, read with timestamp ts,
// and the timestamp it belongs to. After an InPlace find it reads the row
// again with state: when it still has the timestamp the content is its
// own; when it is a marker with another timestamp Follow reads again for
// that one. m is Exact when content is returned, Missing for a marker
// whose file is missing (at is its timestamp: the backend deletes that
// marker), and NotMarker when the row is no longer a marker (deleted or
// small content now: the backend reads it as a row).
func (f *Files) Follow(ctx context.Context, p string, ts int64, state func() (Stored, error)) (data []byte, at int64, m Match, err error) {
	for range Rereads {
		data, m, err = f.Read(ctx, p, ts)
		if err != nil || m != InPlace {
			return data, ts, m, err
		}
		st, err := state()
		switch {
		case err != nil:
			return nil, 0, Missing, err
		case !st.Marker:
			return nil, 0, NotMarker, nil
		case st.TS == ts:
			return data, ts, Exact, nil
		}
		ts = st.TS
	}
	return nil, 0, Missing, fmt.Errorf("%s: %w", p, ErrChanging)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
