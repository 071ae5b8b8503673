package jdbcstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
	"github.com/kylin-go/kylin/metastore/internal/bigcell"
)

// Store is a metastore driver on Kylin's two JDBC tables in MySQL or
// MariaDB. Safe for concurrent use; metastore.New wraps it.
type Store struct {
	db        *sql.DB
	main, log *table
	cfg       Config
	pool      poolParams
	bigRoot   string         // HDFS directory of big cells (named in errors without HDFS too)
	big       *bigcell.Files // nil without HDFS: big cells are refused and reported
	maxPacket int64
	logger    *zap.Logger
	closed    atomic.Bool
	resumes   atomic.Int64 // scans resumed after a broken connection

	unchecked       bool // tests only: Put compares nothing (negative control)
	rescanFromStart bool // tests only: a broken scan starts over (negative control)
}

var (
	_ driver.Store     = (*Store)(nil)
	_ driver.Importer  = (*Store)(nil)
	_ driver.Describer = (*Store)(nil)
)

func init() {
	metastore.Register("jdbc", func(ctx context.Context, u config.MetadataURL, o metastore.Options) (driver.Store, error) {
		cfg := DefaultConfig(u.Full())
		if o.Config != nil { // the node's kylin.metadata.jdbc.* keys, for the URL given to Open
			props := make(map[string]string, len(o.Config.Raw)+1)
			for k, v := range o.Config.Raw {
				props[k] = v
			}
			props[keyMetadataURL] = u.Full()
			c, err := ConfigFromProperties(props)
			if err != nil {
				return nil, err
			}
			cfg = c
		}
		return OpenDriver(ctx, cfg, o.Logger)
	})
}

// Open opens the JDBC metastore of cfg.URL as a metastore.Store: it
// connects, creates Kylin's two tables when they are missing and writes
// /UUID when it is missing. ctx bounds the opening only.
func Open(ctx context.Context, cfg Config, opts ...metastore.Option) (metastore.Store, error) {
	o := metastore.Collect(opts...)
	d, err := OpenDriver(ctx, cfg, o.Logger)
	if err != nil {
		return nil, err
	}
	s := metastore.New(d, opts...)
	if _, err := metastore.EnsureUUID(ctx, s); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenDriver opens the driver alone (metastore.Open and Open wrap it).
// Zero fields of cfg take Kylin's defaults; cfg is not modified.
func OpenDriver(ctx context.Context, cfg Config, logger *zap.Logger) (*Store, error) {
	if logger == nil {
		logger = zap.NewNop()
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	u, err := config.ParseMetadataURL(cfg.URL)
	if err != nil { // its text would quote the whole URL, password included
		return nil, fmt.Errorf("jdbcstore: metadata URL %q is malformed: write IDENTIFIER@jdbc,url=...,username=...,password=... with no nameless parameter",
			redacted(cfg.URL))
	}
	p, err := parseParams(u, cfg.EncryptIV)
	if err != nil {
		return nil, err
	}
	if len(p.ignored) > 0 {
		logger.Info("jdbcstore: metadata URL parameters without effect here", zap.Strings("names", p.ignored))
	}
	db, err := connect(ctx, p, logger)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, cfg: cfg, pool: p.pool, logger: logger}
	if err := s.openBig(cfg, u); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.init(ctx, p.table); err != nil {
		s.Close()
		return nil, fmt.Errorf("jdbcstore: open %s at %s: %w", p.table, p.mysql.Addr, err)
	}
	return s, nil
}

// connect opens the pool, with the sessions in READ COMMITTED as Kylin's.
func connect(ctx context.Context, p connParams, l *zap.Logger) (*sql.DB, error) {
	mc := p.mysql
	mc.InterpolateParams = true // one round trip per statement
	mc.ClientFoundRows = true   // an UPDATE reports the rows it matched
	mc.ParseTime = false
	mc.Logger = driverLogger{l}
	var lastErr error
	// MySQL 8 names the variable transaction_isolation; MariaDB before
	// 11.1 only tx_isolation.
	for _, v := range []string{"transaction_isolation", "tx_isolation"} {
		mc.Params = map[string]string{v: "'READ-COMMITTED'"}
		conn, err := mysql.NewConnector(mc)
		if err != nil {
			return nil, fmt.Errorf("jdbcstore: %w", err)
		}
		db := sql.OpenDB(conn)
		configurePool(db, p.pool)
		err = db.PingContext(ctx)
		if err == nil {
			return db, nil
		}
		db.Close()
		lastErr = err
		var me *mysql.MySQLError
		if !errors.As(err, &me) || me.Number != erUnknownVar {
			break
		}
	}
	return nil, fmt.Errorf("jdbcstore: connect to %s as %s: %w", mc.Addr, mc.User, lastErr)
}

func configurePool(db *sql.DB, p poolParams) {
	if p.maxOpen > 0 {
		db.SetMaxOpenConns(p.maxOpen)
	}
	idle := p.maxIdle
	if idle < 0 || p.maxOpen > 0 && idle > p.maxOpen {
		idle = p.maxOpen
	}
	db.SetMaxIdleConns(idle)
	db.SetConnMaxIdleTime(p.maxIdleFor)
}

// init reads the server's packet limit and prepares both tables.
func (s *Store) init(ctx context.Context, id string) error {
	if err := s.db.QueryRowContext(ctx, "SELECT @@max_allowed_packet").Scan(&s.maxPacket); err != nil {
		return err
	}
	var err error
	if s.main, err = prepareTable(ctx, s.db, id, s.logger); err != nil {
		return err
	}
	s.log, err = prepareTable(ctx, s.db, id+logTableSuffix, s.logger)
	return err
}

// tableOf is the table Kylin keeps path in.
func (s *Store) tableOf(path string) *table {
	if inLogTable(path) {
		return s.log
	}
	return s.main
}

// Capabilities: empty content is Kylin's big-cell marker, so it is held
// only as a file in HDFS; the size limit depends on the path (see
// checkSize), so none is declared here.
func (s *Store) Capabilities() driver.Caps {
	return driver.Caps{Backend: "jdbc", EmptyContent: s.big != nil}
}

// CheckSize returns the error Put would give for n bytes of content at
// path because of their size (or emptiness), without writing: restore
// checks every resource with it before the first write.
func (s *Store) CheckSize(path string, n int) error { return s.checkSize(path, n) }

// DB is the connection pool, for tools and tests that read the tables.
func (s *Store) DB() *sql.DB { return s.db }

// Tables returns the names of the main and the _log table.
func (s *Store) Tables() (main, log string) { return s.main.name, s.log.name }

// Close closes the pool and the HDFS connection. It is idempotent.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if s.big != nil {
		s.big.Close()
	}
	return s.db.Close()
}

// conn takes a pooled connection, waiting at most maxWait (Kylin's DBCP
// setting) unless ctx ends first.
func (s *Store) conn(ctx context.Context) (*sql.Conn, error) {
	if s.closed.Load() {
		return nil, driver.ErrClosed
	}
	if s.pool.maxWait < 0 {
		return s.db.Conn(ctx)
	}
	wctx, cancel := context.WithTimeout(ctx, s.pool.maxWait)
	defer cancel()
	c, err := s.db.Conn(wctx)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("%w: no connection free or made within maxWait=%v (maxActive=%d); raise maxActive or maxWait in the metadata URL",
			errPoolWait, s.pool.maxWait, s.pool.maxOpen)
	}
	if errors.Is(err, sql.ErrConnDone) || err != nil && s.closed.Load() {
		return nil, driver.ErrClosed
	}
	return c, err
}

// errPoolWait marks a connection that could not be had within maxWait: the
// statement was not sent, so it is retried like a refused connection.
var errPoolWait = errors.New("connection pool exhausted")

// now is the clock of retry budgets.
var now = time.Now

// driverLogger sends go-sql-driver's messages (a connection that broke)
// to the injected logger at debug level instead of the standard logger.
type driverLogger struct{ l *zap.Logger }

func (d driverLogger) Print(v ...any) {
	d.l.Debug(fmt.Sprint(v...), zap.String("from", "go-sql-driver"))
}
