package hdfsstore

import (
	"context"
	"errors"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/internal/hdfsfs"
	"github.com/kylin-go/kylin/metastore/driver"
)

// readAttempts bounds the retries of a read that raced a replace.
const readAttempts = 5

// listBatch is how many directory entries one listing call returns.
const listBatch = 1000

// Get implements driver.Store.
func (s *store) Get(ctx context.Context, p string) (driver.Resource, error) {
	var r driver.Resource
	err := s.fs.Do(ctx, func(c *hdfs.Client) error {
		var err error
		r, err = s.read(c, p)
		return err
	})
	return r, err
}

// read returns the resource at p. A writer replaces a file by renaming a
// new one over it, so a read can pair the old file's status with the new
// file's blocks, or lose its blocks mid-read: read checks that the file id
// did not change between the status and the end of the read, and retries.
func (s *store) read(c *hdfs.Client, p string) (driver.Resource, error) {
	name := s.file(p)
	var err error
	for range readAttempts {
		var data []byte
		var fi os.FileInfo
		data, fi, err = hdfsfs.ReadStable(c, name)
		switch {
		case errors.Is(err, os.ErrNotExist), errors.Is(err, hdfsfs.ErrIsDir):
			return driver.Resource{}, driver.ErrNotFound
		case err == nil:
			return driver.Resource{Path: p, Content: data, Timestamp: hdfsfs.ModMillis(fi)}, nil
		}
	}
	return driver.Resource{}, err
}

// Exists implements driver.Store.
func (s *store) Exists(ctx context.Context, p string) (bool, error) {
	var ok bool
	err := s.fs.Do(ctx, func(c *hdfs.Client) error {
		fi, err := c.Stat(s.file(p))
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		ok = err == nil && !fi.IsDir()
		return err
	})
	return ok, err
}

// List implements driver.Store.
func (s *store) List(ctx context.Context, folder string, fn func(string) error) error {
	prefix := strings.TrimSuffix(folder, "/") + "/"
	return s.fs.Do(ctx, func(c *hdfs.Client) error {
		es, err := entries(c, s.file(folder))
		if err != nil {
			return err
		}
		for _, e := range es {
			if err := fn(prefix + e.name); err != nil {
				return err
			}
		}
		return nil
	})
}

// entry is one listed child: its name and, for a file, its time.
type entry struct {
	name  string
	dir   bool
	mtime int64
}

// key is the entry's place among full paths: a folder "a" sorts as "a/".
func (e entry) key() string {
	if e.dir {
		return e.name + "/"
	}
	return e.name
}

// entries returns the children of dir sorted by name bytes; a missing dir
// or a file has none. HDFS lists names in Java's signed-byte order, which
// differs from byte order for names with non-ASCII bytes, so one folder's
// names (not contents) are held and sorted.
func entries(c *hdfs.Client, dir string) ([]entry, error) {
	d, err := c.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if !d.Stat().IsDir() {
		return nil, nil
	}
	var es []entry
	for {
		fis, err := d.Readdir(listBatch)
		if err == io.EOF || errors.Is(err, os.ErrNotExist) {
			break
		}
		if err != nil {
			return nil, err
		}
		for _, fi := range fis {
			es = append(es, entry{name: fi.Name(), dir: fi.IsDir(), mtime: hdfsfs.ModMillis(fi)})
		}
		if len(fis) < listBatch {
			break
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].name < es[j].name })
	return es, nil
}
