package hdfsstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"time"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/internal/hdfsfs"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

// errFolder is returned when a resource path is a directory in HDFS.
var errFolder = errors.New("a folder, not a resource, is stored at this path")

// Put implements driver.Store: under the path's lock, compare the stored
// time with oldTS, then replace the file.
func (s *store) Put(ctx context.Context, p string, content []byte, oldTS, newTS int64) error {
	return s.locked(ctx, p, func(c *hdfs.Client) error {
		stored, err := s.fileStamp(c, p)
		if err != nil {
			return err
		}
		if stored != oldTS {
			return &driver.Conflict{Stored: stored}
		}
		return s.replace(ctx, c, p, content, newTS)
	})
}

// Import implements driver.Importer: replace the file, its time included.
func (s *store) Import(ctx context.Context, r driver.Resource) error {
	return s.locked(ctx, r.Path, func(c *hdfs.Client) error {
		if _, err := s.fileStamp(c, r.Path); err != nil {
			return err
		}
		return s.replace(ctx, c, r.Path, r.Content, r.Timestamp)
	})
}

// Delete implements driver.Store.
func (s *store) Delete(ctx context.Context, p string) error {
	return s.locked(ctx, p, func(c *hdfs.Client) error {
		stored, err := s.stamp(c, p)
		if err != nil || stored == 0 {
			return err
		}
		return s.remove(c, p)
	})
}

// DeleteIf implements driver.Store.
func (s *store) DeleteIf(ctx context.Context, p string, ts int64) error {
	return s.locked(ctx, p, func(c *hdfs.Client) error {
		stored, err := s.stamp(c, p)
		switch {
		case err != nil:
			return err
		case stored == 0:
			return driver.ErrNotFound
		case stored != ts:
			return &driver.Conflict{Stored: stored}
		}
		return s.remove(c, p)
	})
}

func (s *store) remove(c *hdfs.Client, p string) error {
	err := c.Remove(s.file(p))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// stamp returns the stored timestamp of p, 0 when no resource (a missing
// file, or a folder) is stored.
func (s *store) stamp(c *hdfs.Client, p string) (int64, error) {
	fi, err := c.Stat(s.file(p))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return 0, nil
	case err != nil:
		return 0, err
	case fi.IsDir():
		return 0, nil
	}
	return hdfsfs.ModMillis(fi), nil
}

// fileStamp is stamp for a write, which a folder at p refuses.
func (s *store) fileStamp(c *hdfs.Client, p string) (int64, error) {
	fi, err := c.Stat(s.file(p))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return 0, nil
	case err != nil:
		return 0, err
	case fi.IsDir():
		return 0, errFolder
	}
	return hdfsfs.ModMillis(fi), nil
}

// locked runs fn holding the lock of p's stripe.
func (s *store) locked(ctx context.Context, p string, fn func(c *hdfs.Client) error) error {
	if s.noLock {
		return s.fs.Do(ctx, fn)
	}
	lease, err := s.fs.Lock(ctx, s.lockFile(p))
	if err != nil {
		return fmt.Errorf("lock %s: %w", s.lockFile(p), err)
	}
	defer func() {
		uctx, cancel := hdfsfs.Afterwards(ctx)
		defer cancel()
		lease.Unlock(uctx)
	}()
	return s.fs.Do(ctx, fn)
}

// replace writes content to a temporary file with modification time ts and
// renames it over p's file, an atomic replace: readers see the old file or
// the new one, whole.
func (s *store) replace(ctx context.Context, c *hdfs.Client, p string, content []byte, ts int64) error {
	tmp := fmt.Sprintf("%s/tmp/%d-%s", s.private, time.Now().UnixMilli(), metastore.NewUUID()[:8])
	if err := hdfsfs.CreateFile(ctx, c, tmp, content); err != nil {
		return err
	}
	err := s.fs.SetTimes(ctx, tmp, ts)
	if err == nil {
		err = c.MkdirAll(path.Dir(s.file(p)), 0o755)
	}
	if err == nil {
		err = c.Rename(tmp, s.file(p))
	}
	if err != nil {
		c.Remove(tmp)
	}
	return err
}
