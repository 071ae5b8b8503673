package hbasestore

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/hdfsfs"
)

// Kylin's floor for pushing a cell to HDFS: content longer than
// max(hbase.client.keyvalue.maxsize, 10 MiB) goes there (HBaseResourceStore).
const bigCellFloor = 10 << 20

// bigLockStripes is how many lock files the big-cell paths share.
const bigLockStripes = 64

// bigCells keeps Kylin's big cells: content too long for a cell (or empty,
// which a cell cannot tell from the marker) lives in an HDFS file and the
// row's f:c is empty. See the package doc, "Big cells".
type bigCells struct {
	fs        *hdfsfs.FS
	root      string // <working dir path>/<identifier>/resources
	private   string // root + ".kylin-go": the lock files
	threshold int
	log       *zap.Logger

	// Tests only, the negative controls: markerFirst commits the row
	// before the file is in place; blind writes without the lock, the
	// timestamp check or the compare-and-set.
	markerFirst, blind bool
}

// newBigCells returns the big-cell store for the metadata URL, or nil when
// no HDFS is named: kylin.storage.hbase.cluster-fs or fs.defaultFS among
// the URL's parameters (Kylin reads them from its HBase configuration), or
// an hdfs://host:port kylin.env.hdfs-working-dir.
func newBigCells(cfg config.Metastore, u config.MetadataURL, log *zap.Logger) (*bigCells, error) {
	fsURL := u.Params["kylin.storage.hbase.cluster-fs"]
	if fsURL == "" {
		fsURL = u.Params["fs.defaultFS"]
	}
	if fsURL == "" && strings.HasPrefix(cfg.HDFSWorkingDir, "hdfs://") {
		fsURL = cfg.HDFSWorkingDir
	}
	if fsURL == "" {
		return nil, nil
	}
	addr, err := nameNode(fsURL)
	if err != nil {
		return nil, err
	}
	wd := cfg.HDFSWorkingDir
	if i := strings.Index(wd, "://"); i >= 0 { // Kylin drops the scheme and authority
		pu, err := url.Parse(wd)
		if err != nil {
			return nil, fmt.Errorf("hbasestore: kylin.env.hdfs-working-dir %q: %w", wd, err)
		}
		wd = pu.Path
	}
	if !strings.HasPrefix(wd, "/") {
		return nil, fmt.Errorf("hbasestore: kylin.env.hdfs-working-dir %q must be absolute", cfg.HDFSWorkingDir)
	}
	threshold, err := bigThreshold(u.Params["hbase.client.keyvalue.maxsize"])
	if err != nil {
		return nil, err
	}
	fs, err := hdfsfs.New(hdfsfs.Options{Addresses: []string{addr}, User: os.Getenv("HADOOP_USER_NAME"), Logger: log})
	if err != nil {
		return nil, fmt.Errorf("hbasestore: %w", err)
	}
	root := path.Join(wd, strings.ReplaceAll(u.Identifier, ":", "-"), "resources")
	return &bigCells{fs: fs, root: root, private: root + ".kylin-go", threshold: threshold, log: log}, nil
}

// nameNode returns host:port of an hdfs://host:port[/path] URL.
func nameNode(s string) (string, error) {
	pu, err := url.Parse(s)
	if err != nil || pu.Scheme != "hdfs" || pu.Host == "" || pu.Port() == "" {
		return "", fmt.Errorf("hbasestore: HDFS for big cells %q: want hdfs://namenode:port "+
			"(kylin.storage.hbase.cluster-fs or fs.defaultFS in the metadata URL)", s)
	}
	return pu.Host, nil
}

// bigThreshold is Kylin's rule: max(hbase.client.keyvalue.maxsize, 10 MiB).
func bigThreshold(v string) (int, error) {
	if v == "" {
		return bigCellFloor, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("hbasestore: metadata URL parameter hbase.client.keyvalue.maxsize=%q: want an integer", v)
	}
	return max(n, bigCellFloor), nil
}

// pushed reports whether content is kept in HDFS: longer than the
// threshold, or empty (an empty f:c is the marker, so an empty resource can
// only be an empty file behind it).
func (b *bigCells) pushed(content []byte) bool {
	return len(content) == 0 || len(content) > b.threshold
}

// file is the HDFS file of a resource path, Kylin's
// <working dir>/<identifier>/resources<path>.
func (b *bigCells) file(p string) string { return b.root + p }

// backup is where a write moves the committed file of the row with
// timestamp ts while it puts the new one in place.
func (b *bigCells) backup(p string, ts int64) string {
	return b.file(p) + ".orig." + strconv.FormatInt(ts, 10)
}

// lock takes the lease lock of p's stripe and returns its release.
func (b *bigCells) lock(ctx context.Context, p string) (func(), error) {
	if b.blind {
		return func() {}, nil
	}
	h := fnv.New32a()
	h.Write([]byte(p))
	name := fmt.Sprintf("%s/locks/%d", b.private, h.Sum32()%bigLockStripes)
	l, err := b.fs.Lock(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() {
		uctx, cancel := hdfsfs.Afterwards(ctx)
		defer cancel()
		if err := l.Unlock(uctx); err != nil {
			b.log.Warn("hbasestore: releasing a big-cell lock failed; it frees when its lease expires",
				zap.String("lock", name), zap.Error(err))
		}
	}, nil
}

func (b *bigCells) close() error { return b.fs.Close() }
