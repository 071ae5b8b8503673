package hbasestore

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore/driver"
)

// Kylin's schema.
const (
	family      = "f"
	qualContent = "c"
	qualTS      = "t"
)

var (
	colContent = hbase.Column{Family: family, Qualifier: qualContent}
	colTS      = hbase.Column{Family: family, Qualifier: qualTS}
)

// This file is the one place that maps resources to rows and back: cells
// (write) and decode (read). Every write (Put, Import) builds its cells
// with cells, every read (Get, Walk, the recheck) turns a row into a
// resource with decode.

// cells is the row that stores content at ts: f:c and f:t.
func (s *tableStore) cells(_ context.Context, path string, content []byte, ts int64) ([]hbase.Cell, error) {
	return []hbase.Cell{
		{Family: family, Qualifier: qualContent, Value: content},
		{Family: family, Qualifier: qualTS, Value: encodeTS(ts)},
	}, nil
}

// decode turns a row of Kylin's schema into the resource at path. A row
// without cells is ErrNotFound; an empty f:c is Kylin's marker for content
// pushed to HDFS, ErrExternalContent naming the file.
func (s *tableStore) decode(ctx context.Context, path string, row hbase.Row) (driver.Resource, error) {
	c, hasC := row.Value(family, qualContent)
	t, hasT := row.Value(family, qualTS)
	switch {
	case !hasC && !hasT:
		return driver.Resource{}, driver.ErrNotFound
	case !hasC:
		return driver.Resource{}, fmt.Errorf("row %s has f:t but no f:c", path)
	case len(c) == 0 && s.big == nil:
		return driver.Resource{}, fmt.Errorf("%w: Kylin stored it in HDFS at %s%s", driver.ErrExternalContent, s.external, path)
	}
	var ts int64
	if hasT {
		var err error
		if ts, err = decodeTS(path, t); err != nil {
			return driver.Resource{}, err
		}
	}
	if len(c) == 0 { // Kylin's marker: the content is in HDFS (bigcell_read.go)
		return s.readBig(ctx, path, ts)
	}
	return driver.Resource{Path: path, Content: c, Timestamp: ts}, nil
}

// readRow reads and decodes the row at path.
func (s *tableStore) readRow(ctx context.Context, path string) (driver.Resource, error) {
	row, err := s.cl.Get(ctx, s.table, []byte(path), colContent, colTS)
	if err != nil {
		return driver.Resource{}, native(err)
	}
	return s.decode(ctx, path, row)
}

func encodeTS(ts int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(ts)) }

// decodeTS reads f:t; a value that is not 8 bytes is corrupt.
func decodeTS(path string, b []byte) (int64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("row %s: f:t holds %d bytes, want an 8-byte big-endian timestamp", path, len(b))
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}
