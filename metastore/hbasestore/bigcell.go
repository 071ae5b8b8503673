package hbasestore

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/internal/bigcell"
)

// Kylin's floor for pushing a cell to HDFS: content longer than
// max(hbase.client.keyvalue.maxsize, 10 MiB) goes there (HBaseResourceStore).
const bigCellFloor = 10 << 20

// bigCells keeps Kylin's big cells: content too long for a cell (or empty,
// which a cell cannot tell from the marker) lives in an HDFS file and the
// row's f:c is empty. See the package doc, "Big cells".
type bigCells struct {
	*bigcell.Files
	threshold int
}

// newBigCells returns the big-cell store for the metadata URL, or nil when
// no HDFS is named: kylin.storage.hbase.cluster-fs among the URL's
// parameters or in kylin.properties (props, from metastore.WithConfig), or
// fs.defaultFS among the URL's parameters (Kylin reads them from its HBase
// configuration), or an hdfs://host:port kylin.env.hdfs-working-dir.
func newBigCells(cfg config.Metastore, u config.MetadataURL, props map[string]string, log *zap.Logger) (*bigCells, error) {
	fsURL := u.Params["kylin.storage.hbase.cluster-fs"]
	if fsURL == "" {
		fsURL = props["kylin.storage.hbase.cluster-fs"]
	}
	if fsURL == "" {
		fsURL = u.Params["fs.defaultFS"]
	}
	if fsURL == "" && strings.HasPrefix(cfg.HDFSWorkingDir, "hdfs://") {
		fsURL = cfg.HDFSWorkingDir
	}
	if fsURL == "" {
		return nil, nil
	}
	addr, err := bigcell.NameNode(fsURL)
	if err != nil {
		return nil, fmt.Errorf("hbasestore: %w (kylin.storage.hbase.cluster-fs or fs.defaultFS in the metadata URL)", err)
	}
	wd, err := bigcell.DirPath("kylin.env.hdfs-working-dir", cfg.HDFSWorkingDir)
	if err != nil {
		return nil, fmt.Errorf("hbasestore: %w", err)
	}
	threshold, err := bigThreshold(u.Params["hbase.client.keyvalue.maxsize"])
	if err != nil {
		return nil, err
	}
	root := path.Join(wd, strings.ReplaceAll(u.Identifier, ":", "-"), "resources")
	files, err := bigcell.Open(addr, root, "hbasestore", log)
	if err != nil {
		return nil, fmt.Errorf("hbasestore: %w", err)
	}
	return &bigCells{Files: files, threshold: threshold}, nil
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

// rawProperties is the node's kylin.properties when the host passed
// metastore.WithConfig, else nil.
func rawProperties(o metastore.Options) map[string]string {
	if o.Config == nil {
		return nil
	}
	return o.Config.Raw
}
