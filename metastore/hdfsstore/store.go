package hdfsstore

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"path"
	"time"

	"github.com/colinmarc/hdfs/v2"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/internal/hdfsfs"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

// lockStripes is how many lock files the paths share.
const lockStripes = 64

// tmpMaxAge is how old a leftover temporary file must be before Open
// removes it: older than any write in progress.
const tmpMaxAge = time.Hour

// store is the hdfsstore driver.
type store struct {
	fs      *hdfsfs.FS
	root    string // the metadata directory, absolute, no trailing slash
	private string // root + ".kylin-go"
	log     *zap.Logger

	noLock bool // tests only: the negative control of the lock
}

var (
	_ driver.Store     = (*store)(nil)
	_ driver.Importer  = (*store)(nil)
	_ driver.Describer = (*store)(nil)
)

// Open opens the metadata directory dir ("hdfs://host:port/path") as a
// Store, creating it if missing as Kylin does. It does not write /UUID
// (metastore.Open does).
func Open(ctx context.Context, dir string, opts ...metastore.Option) (metastore.Store, error) {
	o := metastore.Collect(opts...)
	d, err := open(ctx, dir, o.Logger)
	if err != nil {
		return nil, err
	}
	return metastore.New(d, opts...), nil
}

func open(ctx context.Context, dir string, log *zap.Logger) (*store, error) {
	addr, root, err := parseDir(dir)
	if err != nil {
		return nil, err
	}
	fs, err := hdfsfs.New(hdfsfs.Options{Addresses: []string{addr}, User: os.Getenv("HADOOP_USER_NAME"), Logger: log})
	if err != nil {
		return nil, fmt.Errorf("hdfsstore: %w", err)
	}
	s := &store{fs: fs, root: root, private: root + ".kylin-go", log: log}
	err = fs.Do(ctx, func(c *hdfs.Client) error {
		if err := c.MkdirAll(root, 0o755); err != nil {
			return err
		}
		return c.MkdirAll(s.private+"/tmp", 0o755)
	})
	if err != nil {
		fs.Close()
		return nil, fmt.Errorf("hdfsstore: open %s: %w", dir, err)
	}
	s.sweepTemp(ctx)
	return s, nil
}

// parseDir splits "hdfs://host:port/dir" into the NameNode address and the
// clean absolute directory.
func parseDir(dir string) (addr, root string, err error) {
	u, err := url.Parse(dir)
	if err != nil || u.Scheme != "hdfs" || u.Host == "" || u.Port() == "" {
		return "", "", fmt.Errorf("hdfsstore: path %q: want hdfs://namenode:port/directory (for example path=hdfs://namenode:8020/kylin/meta)", dir)
	}
	root = path.Clean("/" + u.Path)
	if root == "/" {
		return "", "", fmt.Errorf("hdfsstore: path %q: the metadata directory must not be the root /", dir)
	}
	return u.Host, root, nil
}

// sweepTemp removes temporary files left by writers killed long ago.
func (s *store) sweepTemp(ctx context.Context) {
	err := s.fs.Do(ctx, func(c *hdfs.Client) error {
		fis, err := c.ReadDir(s.private + "/tmp")
		if err != nil {
			return err
		}
		for _, fi := range fis {
			if time.Since(fi.ModTime()) > tmpMaxAge {
				c.Remove(s.private + "/tmp/" + fi.Name())
			}
		}
		return nil
	})
	if err != nil {
		s.log.Warn("hdfsstore: could not sweep temporary files", zap.Error(err))
	}
}

// file is the HDFS file of a clean resource path.
func (s *store) file(p string) string {
	if p == "/" {
		return s.root
	}
	return s.root + p
}

// lockFile is the lock file that guards p.
func (s *store) lockFile(p string) string {
	h := fnv.New32a()
	h.Write([]byte(p))
	return fmt.Sprintf("%s/locks/%d", s.private, h.Sum32()%lockStripes)
}

// Capabilities implements driver.Describer.
func (s *store) Capabilities() driver.Caps {
	return driver.Caps{Backend: "hdfs", EmptyContent: true}
}

// Close implements driver.Store.
func (s *store) Close() error { return s.fs.Close() }
