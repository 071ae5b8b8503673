package hbasestore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

// tableStore is the driver on one HBase table. Safe for concurrent use.
type tableStore struct {
	cl       *hbase.Client
	table    string
	cfg      config.Metastore
	scanRows int
	external string // HDFS folder of pushed-down content, without the path
	log      *zap.Logger
	big      *bigCells // nil without HDFS: big cells are refused and reported
	prune    *pruner   // the cell time range of windowed walks (prune.go)

	noRecheck bool // tests only: the negative control of the recheck
}

var (
	_ driver.Store         = (*tableStore)(nil)
	_ driver.Importer      = (*tableStore)(nil)
	_ driver.BatchImporter = (*tableStore)(nil)
	_ driver.Describer     = (*tableStore)(nil)
)

func init() {
	metastore.Register("hbase", func(ctx context.Context, u config.MetadataURL, o metastore.Options) (driver.Store, error) {
		cfg := config.Default().Metastore
		if o.Config != nil {
			cfg = o.Config.Metastore
		}
		cfg.URL = u.Full()
		return openDriver(ctx, cfg, nil, o)
	})
}

// Open connects to the HBase named by cfg.URL (IDENTIFIER@hbase,k=v...),
// creates the table when it is missing and writes /UUID when it is
// missing. Zero fields of cfg take config.Default's values; cfg is not
// modified. ctx bounds the opening only. The Store offers
// metastore.Importer.
func Open(ctx context.Context, cfg config.Metastore, opts ...metastore.Option) (metastore.Store, error) {
	return open(ctx, cfg, nil, opts...)
}

// open is Open with extra client options (tests inject faults with them).
func open(ctx context.Context, cfg config.Metastore, hopts []hbase.Option, opts ...metastore.Option) (metastore.Store, error) {
	d, err := openDriver(ctx, cfg, hopts, metastore.Collect(opts...))
	if err != nil {
		return nil, err
	}
	s := metastore.New(d, opts...)
	if _, err := metastore.EnsureUUID(ctx, s); err != nil {
		s.Close()
		return nil, fmt.Errorf("hbasestore: open %s: %w", d.table, err)
	}
	return s, nil
}

// openDriver connects and creates the table when it is missing.
func openDriver(ctx context.Context, cfg config.Metastore, hopts []hbase.Option, o metastore.Options) (*tableStore, error) {
	cfg, u, hc, rows, err := settle(cfg)
	if err != nil {
		return nil, err
	}
	skew, err := parseClockSkew(u.Params)
	if err != nil {
		return nil, err
	}
	hopts = append([]hbase.Option{hbase.WithLogger(o.Logger), hbase.WithRegisterer(o.Registerer)}, hopts...)
	cl, err := hbase.New(hc, hopts...)
	if err != nil {
		return nil, err
	}
	s := &tableStore{cl: cl, table: u.Identifier, cfg: cfg, scanRows: rows, log: o.Logger,
		external: strings.TrimRight(cfg.HDFSWorkingDir, "/") + "/" + u.Identifier + "/resources",
		prune:    &pruner{margin: skew, log: o.Logger}}
	if s.big, err = newBigCells(cfg, u, rawProperties(o), o.Logger); err != nil {
		cl.Close()
		return nil, err
	}
	if err := s.ensureTable(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Capabilities declares no empty content (Kylin's marker) and values up to
// the cell limit, or, with big cells in HDFS, empty content and no limit.
func (s *tableStore) Capabilities() driver.Caps {
	if s.big != nil { // big and empty content go to HDFS
		return driver.Caps{Backend: "hbase", EmptyContent: true}
	}
	return driver.Caps{Backend: "hbase", MaxValue: s.cfg.MaxCellSize,
		MaxValueKey: "kylin.go.metadata.hbase-max-cell-size"}
}

// ensureTable creates the table when missing and checks its schema.
func (s *tableStore) ensureTable(ctx context.Context) error {
	spec, exists, err := s.cl.DescribeTable(ctx, s.table)
	if err != nil {
		return fmt.Errorf("hbasestore: open %s: %w", s.table, err)
	}
	if exists {
		return s.checkSchema(spec)
	}
	s.log.Info("hbasestore: creating metadata table", zap.String("table", s.table))
	if err := s.cl.CreateTable(ctx, TableSpec(s.table, nil)); err != nil {
		return fmt.Errorf("hbasestore: open %s: %w", s.table, err)
	}
	return nil
}

// checkSchema refuses a table without family f and warns when f lacks
// NEW_VERSION_BEHAVIOR (tables Kylin created): there a path deleted and
// written again within one millisecond can stay hidden behind the delete
// marker.
func (s *tableStore) checkSchema(spec hbase.TableSpec) error {
	for _, f := range spec.Families {
		if f.Name != family {
			continue
		}
		if !strings.EqualFold(f.Attributes["NEW_VERSION_BEHAVIOR"], "true") {
			s.log.Warn("hbasestore: family f lacks NEW_VERSION_BEHAVIOR=true: a path deleted and "+
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

// Close closes the HBase and HDFS connections; the portable Store calls it
// once.
func (s *tableStore) Close() error {
	if s.big != nil {
		s.big.Close()
	}
	return s.cl.Close()
}

// native maps a client error: a client closed under a call is ErrClosed;
// the rest pass as they are (the portable Store words them and passes ctx
// errors through).
func native(err error) error {
	if errors.Is(err, hbase.ErrClosed) {
		return driver.ErrClosed
	}
	return err
}
