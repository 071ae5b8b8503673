package bigcell

import (
	"context"
	"errors"
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

// Read returns the content behind the marker row of p with timestamp ts.
// found is false when no file holds it after a few looks (the backend then
// deletes the marker, as Kylin does).
func (f *Files) Read(ctx context.Context, p string, ts int64) (data []byte, found bool, err error) {
	for i := range readAttempts {
		data, found, err = f.load(ctx, p, ts)
		if err != nil || found {
			return data, found, err
		}
		if i < readAttempts-1 && !sleep(ctx, readPause) {
			return nil, false, ctx.Err()
		}
	}
	return nil, false, nil
}

// load reads the committed file of the marker with timestamp ts; found is
// false when there is none.
func (f *Files) load(ctx context.Context, p string, ts int64) (data []byte, found bool, err error) {
	err = f.fs.Do(ctx, func(c *hdfs.Client) error {
		var lastErr error
		for range readAttempts {
			name, err := f.committed(c, p, ts)
			if err != nil || name == "" {
				return err
			}
			data, _, err = hdfsfs.ReadStable(c, name)
			if err == nil {
				found = true
				return nil
			}
			lastErr = err // replaced or moved while read: look again
		}
		return lastErr
	})
	return data, found, err
}

// committed names the file that holds the content of the marker with
// timestamp ts, or "" when there is none: the file in place when its time
// is ts (our writers set it), else the backup a writer made of it, else the
// file in place (Kylin's writers leave the time of writing).
func (f *Files) committed(c *hdfs.Client, p string, ts int64) (string, error) {
	fi, err := c.Stat(f.File(p))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	inPlace := err == nil && !fi.IsDir()
	if inPlace && hdfsfs.ModMillis(fi) == ts {
		return f.File(p), nil
	}
	if _, err := c.Stat(f.Backup(p, ts)); err == nil {
		return f.Backup(p, ts), nil
	}
	if inPlace {
		return f.File(p), nil
	}
	return "", nil
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
