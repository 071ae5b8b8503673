package bigcell

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/internal/hdfsfs"
)

// lockStripes is how many lock files the paths of one root share.
const lockStripes = 64

// Files is the HDFS side of one metastore's big cells. Safe for concurrent
// use.
type Files struct {
	fs      *hdfsfs.FS
	root    string // the directory whose tree mirrors the resource paths
	private string // root + ".kylin-go": the lock files
	name    string // the backend, for log messages
	log     *zap.Logger

	// Tests only, the negative controls: MarkerFirst commits the row
	// before the file is in place; Blind writes without the lock, and the
	// backend skips its timestamp check and compare-and-set.
	MarkerFirst, Blind bool
}

// Open connects to the NameNode at addr (host:port) as $HADOOP_USER_NAME
// (else the OS user) for the big cells under root, an absolute HDFS path.
// name (the backend) prefixes log messages.
func Open(addr, root, name string, log *zap.Logger) (*Files, error) {
	if log == nil {
		log = zap.NewNop()
	}
	fs, err := hdfsfs.New(hdfsfs.Options{Addresses: []string{addr}, User: os.Getenv("HADOOP_USER_NAME"), Logger: log})
	if err != nil {
		return nil, err
	}
	return &Files{fs: fs, root: root, private: root + ".kylin-go", name: name, log: log}, nil
}

// NameNode returns host:port of an hdfs://host:port[/path] URL.
func NameNode(s string) (string, error) {
	pu, err := url.Parse(s)
	if err != nil || pu.Scheme != "hdfs" || pu.Host == "" || pu.Port() == "" {
		return "", fmt.Errorf("HDFS for big cells %q: want hdfs://namenode:port", s)
	}
	return pu.Host, nil
}

// FS is the file system connection, for tests and tools.
func (f *Files) FS() *hdfsfs.FS { return f.fs }

// Root is the directory whose tree mirrors the resource paths.
func (f *Files) Root() string { return f.root }

// File is the HDFS file of resource path p: <root><p>.
func (f *Files) File(p string) string { return f.root + p }

// Backup is where a write moves the committed file of the row with
// timestamp ts while it puts the new one in place.
func (f *Files) Backup(p string, ts int64) string {
	return f.File(p) + ".orig." + strconv.FormatInt(ts, 10)
}

// Lock takes the lease lock of p's stripe and returns its release.
func (f *Files) Lock(ctx context.Context, p string) (func(), error) {
	if f.Blind {
		return func() {}, nil
	}
	h := fnv.New32a()
	h.Write([]byte(p))
	name := fmt.Sprintf("%s/locks/%d", f.private, h.Sum32()%lockStripes)
	l, err := f.fs.Lock(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() {
		uctx, cancel := hdfsfs.Afterwards(ctx)
		defer cancel()
		if err := l.Unlock(uctx); err != nil {
			f.log.Warn(f.name+": releasing a big-cell lock failed; it frees when its lease expires",
				zap.String("lock", name), zap.Error(err))
		}
	}, nil
}

// Close closes the connection.
func (f *Files) Close() error { return f.fs.Close() }

// DirPath is the path of dir, a directory setting (key names it in the
// error) that may be a URL: Kylin drops the scheme and authority. It must
// be absolute.
func DirPath(key, dir string) (string, error) {
	p := dir
	if strings.Contains(dir, "://") {
		pu, err := url.Parse(dir)
		if err != nil {
			return "", fmt.Errorf("%s=%q: %w", key, dir, err)
		}
		p = pu.Path
	}
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%s=%q must be absolute", key, dir)
	}
	return p, nil
}
