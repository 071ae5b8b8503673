package hbasestore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore"
)

// Kylin's schema.
const (
	family      = "f"
	qualContent = "c"
	qualTS      = "t"
)

var _ metastore.Store = (*Store)(nil)

// Store is a metastore.Store on one HBase table. Safe for concurrent use.
type Store struct {
	cl       *hbase.Client
	table    string
	cfg      config.Metastore
	scanRows int
	external string // HDFS folder of pushed-down content, without the path
	opts     metastore.Options
	metrics  *metastore.Metrics
	closed   atomic.Bool

	noRecheck bool // tests only: the negative control of the recheck
}

func init() {
	metastore.Register("hbase", func(ctx context.Context, u config.MetadataURL, opts ...metastore.Option) (metastore.Store, error) {
		cfg := config.Default().Metastore
		cfg.URL = u.Full()
		return Open(ctx, cfg, opts...)
	})
}

// Open connects to the HBase named by cfg.URL (IDENTIFIER@hbase,k=v...),
// creates the table when it is missing and writes /UUID when it is
// missing. Zero fields of cfg take config.Default's values; cfg is not
// modified. ctx bounds the opening only.
func Open(ctx context.Context, cfg config.Metastore, opts ...metastore.Option) (*Store, error) {
	return open(ctx, cfg, nil, opts...)
}

// open is Open with extra client options (tests inject faults with them).
func open(ctx context.Context, cfg config.Metastore, hopts []hbase.Option, opts ...metastore.Option) (*Store, error) {
	cfg = withDefaults(cfg)
	u, err := config.ParseMetadataURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "hbase" {
		return nil, fmt.Errorf("hbasestore: metadata URL %q has scheme %q: want IDENTIFIER@hbase,hbase.zookeeper.quorum=HOST:PORT", cfg.URL, u.Scheme)
	}
	hc, rows, err := clientConfig(cfg, u.Params)
	if err != nil {
		return nil, err
	}
	o := metastore.Collect(opts...)
	m, err := metastore.NewMetrics(o.Registerer, "hbase")
	if err != nil {
		return nil, err
	}
	hopts = append([]hbase.Option{hbase.WithLogger(o.Logger), hbase.WithRegisterer(o.Registerer)}, hopts...)
	cl, err := hbase.New(hc, hopts...)
	if err != nil {
		return nil, err
	}
	s := &Store{cl: cl, table: u.Identifier, cfg: cfg, scanRows: rows, opts: o, metrics: m,
		external: strings.TrimRight(cfg.HDFSWorkingDir, "/") + "/" + u.Identifier + "/resources"}
	if err := s.init(ctx); err != nil {
		cl.Close()
		return nil, err
	}
	return s, nil
}

// init creates the table when missing and ensures /UUID.
func (s *Store) init(ctx context.Context) error {
	spec, exists, err := s.cl.DescribeTable(ctx, s.table)
	if err != nil {
		return fmt.Errorf("hbasestore: open %s: %w", s.table, err)
	}
	if exists {
		if err := s.checkSchema(spec); err != nil {
			return err
		}
	} else {
		s.opts.Logger.Info("hbasestore: creating metadata table", zap.String("table", s.table))
		if err := s.cl.CreateTable(ctx, TableSpec(s.table, nil)); err != nil {
			return fmt.Errorf("hbasestore: open %s: %w", s.table, err)
		}
	}
	if _, err := metastore.EnsureUUID(ctx, s); err != nil {
		return fmt.Errorf("hbasestore: open %s: %w", s.table, err)
	}
	return nil
}

// checkSchema refuses a table without family f and warns when f lacks
// NEW_VERSION_BEHAVIOR (tables Kylin created): there a path deleted and
// written again within one millisecond can stay hidden behind the delete
// marker.
func (s *Store) checkSchema(spec hbase.TableSpec) error {
	for _, f := range spec.Families {
		if f.Name != family {
			continue
		}
		if !strings.EqualFold(f.Attributes["NEW_VERSION_BEHAVIOR"], "true") {
			s.opts.Logger.Warn("hbasestore: family f lacks NEW_VERSION_BEHAVIOR=true: a path deleted and "+
				"written again within one millisecond may stay hidden by the delete marker; "+
				"alter the family (alter 'TABLE', {NAME => 'f', NEW_VERSION_BEHAVIOR => 'true'}) to avoid it",
				zap.String("table", s.table))
		}
		return nil
	}
	return fmt.Errorf("hbasestore: open %s: the table has no column family %q (Kylin's schema): "+
		"use another metadata URL identifier or add the family", s.table, family)
}

// TableSpec is the table Open creates: Kylin's family f with IN_MEMORY,
// plus NEW_VERSION_BEHAVIOR (see the package doc), pre-split at splitKeys
// when given. Exposed so that tools and tests can create a pre-split table
// with the same schema.
func TableSpec(name string, splitKeys [][]byte) hbase.TableSpec {
	return hbase.TableSpec{
		Name: name,
		Families: []hbase.FamilySpec{{Name: family, Attributes: map[string]string{
			"IN_MEMORY": "true", "NEW_VERSION_BEHAVIOR": "true",
		}}},
		SplitKeys: splitKeys,
	}
}

// Close closes the HBase connections. It is idempotent.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	return s.cl.Close()
}

// begin checks ctx and Close before an operation.
func (s *Store) begin(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed.Load() {
		return metastore.ClosedError("hbasestore: " + op)
	}
	return nil
}

// wrap turns a client error into the store's: ctx errors unwrapped, a
// client closed under us into ErrClosed, the rest with op and path.
func (s *Store) wrap(ctx context.Context, op, path string, err error) error {
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		return ctx.Err()
	case errors.Is(err, hbase.ErrClosed):
		return metastore.ClosedError("hbasestore: " + op)
	}
	return fmt.Errorf("hbasestore: %s %s: %w", op, path, err)
}

func encodeTS(ts int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(ts)) }

// decodeTS reads f:t; a value that is not 8 bytes is corrupt.
func decodeTS(path string, b []byte) (int64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("hbasestore: %s: f:t holds %d bytes, want an 8-byte big-endian timestamp", path, len(b))
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}
