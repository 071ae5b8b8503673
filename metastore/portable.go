package metastore

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Operation names, in errors and in the op label of metrics.
const (
	opGet      = "get"
	opExists   = "exists"
	opList     = "list"
	opWalk     = "walk"
	opPut      = "put"
	opDelete   = "delete"
	opDeleteIf = "delete_if" // worded "delete" in errors
	opImport   = "import"
	opClose    = "close"
)

// portable is the Store that New and Open return: the one home of the
// rules every backend keeps (paths cleaned, closed and ctx checks, content
// limits, timestamps, metrics, error wording), over a driver that only
// stores.
type portable struct {
	d       driver.Store
	caps    driver.Caps
	now     func() time.Time
	log     *zap.Logger
	metrics *metrics
	closed  atomic.Bool
}

// importing is portable over a driver that can import: it adds Importer.
type importing struct {
	*portable
	imp driver.Importer
}

var (
	_ Store         = (*portable)(nil)
	_ Lister        = (*portable)(nil)
	_ Importer      = importing{}
	_ BatchImporter = importing{}
)

// New returns the portable Store over d: hosts and tests use it to wrap a
// driver they built themselves; Open does it for registered backends. The
// Store owns d (its Close closes d) and offers Importer exactly when d
// implements driver.Importer. New does not write /UUID (Open does; see
// EnsureUUID).
func New(d driver.Store, opts ...Option) Store {
	return newPortable(d, Collect(opts...))
}

func newPortable(d driver.Store, o Options) Store {
	caps := driver.Caps{Backend: "unknown", EmptyContent: true}
	if c, ok := d.(driver.Describer); ok {
		caps = c.Capabilities()
	}
	m, err := newMetrics(o.Registerer, caps.Backend)
	if err != nil {
		o.Logger.Warn("metastore: metrics disabled", zap.String("backend", caps.Backend), zap.Error(err))
	}
	p := &portable{d: d, caps: caps, now: o.Clock.Now, log: o.Logger, metrics: m}
	if imp, ok := d.(driver.Importer); ok {
		return importing{portable: p, imp: imp}
	}
	return p
}

// DriverOf returns the driver under a Store that New or Open returned, nil
// for any other Store (a wrapper such as metastore/cache). It is for a
// backend's own extras (a filestore's directory); calling the driver's
// Store methods bypasses every check, the metrics and the error wording.
func DriverOf(s Store) driver.Store {
	switch p := s.(type) {
	case *portable:
		return p.d
	case importing:
		return p.d
	}
	return nil
}

// Close closes the driver once; later calls return nil.
func (s *portable) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if err := s.d.Close(); err != nil {
		return &Error{Op: opClose, Err: err}
	}
	return nil
}

// call is one operation in flight.
type call struct {
	op    string
	arg   string // the path as given, shown in errors when it is refused
	path  string // the clean path; "" until begin accepted it
	start time.Time
}

// begin runs the checks every call starts with: closed store, ended ctx,
// clean path (a folder when folder is true). Its error is bare; end words
// it.
func (s *portable) begin(ctx context.Context, op, arg string, folder bool) (call, error) {
	c := call{op: op, arg: arg, start: s.metrics.start()}
	if s.closed.Load() {
		return c, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return c, err
	}
	var err error
	if folder {
		c.path, err = cleanFolder(arg)
	} else {
		c.path, err = cleanPath(arg)
	}
	return c, err
}

// end counts the call and words its error once: ctx errors unwrapped when
// ctx has ended, everything else as "metastore: OP PATH: ERR".
func (s *portable) end(ctx context.Context, c call, err error) error {
	if err != nil {
		err = word(ctx, c, err)
	}
	s.metrics.observe(c.op, c.start, err)
	return err
}

func word(ctx context.Context, c call, err error) error {
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return ctx.Err()
	}
	op, path := c.op, c.path
	if op == opDeleteIf {
		op = opDelete
	}
	if path == "" {
		path = shown(c.arg)
	}
	return &Error{Op: op, Path: path, Err: err}
}
