package hbasestore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/colinmarc/hdfs/v2"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/internal/hdfsfs"
	"github.com/kylin-go/kylin/metastore/driver"
)

// Reads of a marker retry this often, this far apart, before they call its
// file missing: a Kylin writer moves the file away and back in two renames.
const (
	bigReadAttempts = 3
	bigReadPause    = 100 * time.Millisecond
)

// readBig returns the content behind the marker row of path with
// timestamp ts. The committed file is the one whose modification time is
// ts (our writers set it), else the backup a writer made of the row's file
// (<file>.orig.<ts>), else the file in place (Kylin's writers leave the
// time of writing). A marker whose file is missing is deleted, as Kylin
// does, but only that marker (a check-and-delete on its timestamp), and
// the read reports not found.
func (s *tableStore) readBig(ctx context.Context, path string, ts int64) (driver.Resource, error) {
	for i := range bigReadAttempts {
		data, found, err := s.big.load(ctx, path, ts)
		if err != nil {
			return driver.Resource{}, err
		}
		if found {
			return driver.Resource{Path: path, Content: data, Timestamp: ts}, nil
		}
		if i < bigReadAttempts-1 && !sleep(ctx, bigReadPause) {
			return driver.Resource{}, ctx.Err()
		}
	}
	cond := hbase.Condition{Family: family, Qualifier: qualTS, Value: encodeTS(ts)}
	if _, err := s.cl.CheckAndDelete(ctx, s.table, []byte(path), cond); err != nil {
		return driver.Resource{}, native(err)
	}
	s.log.Warn("hbasestore: a big cell's HDFS file is missing; its marker was deleted, as Kylin does",
		zap.String("path", path), zap.String("file", s.big.file(path)))
	return driver.Resource{}, fmt.Errorf("%w: the HDFS file %s behind the marker is missing (marker deleted)",
		driver.ErrNotFound, s.big.file(path))
}

// load reads the committed file of the marker with timestamp ts; found is
// false when there is none.
func (b *bigCells) load(ctx context.Context, p string, ts int64) (data []byte, found bool, err error) {
	err = b.fs.Do(ctx, func(c *hdfs.Client) error {
		var lastErr error
		for range bigReadAttempts {
			name, err := b.committed(c, p, ts)
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
// timestamp ts, or "" when there is none.
func (b *bigCells) committed(c *hdfs.Client, p string, ts int64) (string, error) {
	fi, err := c.Stat(b.file(p))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	inPlace := err == nil && !fi.IsDir()
	if inPlace && hdfsfs.ModMillis(fi) == ts {
		return b.file(p), nil
	}
	if _, err := c.Stat(b.backup(p, ts)); err == nil {
		return b.backup(p, ts), nil
	}
	if inPlace {
		return b.file(p), nil
	}
	return "", nil
}
