//go:build linux

package filestore

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

// dirStore is the driver over a local directory. It is safe for
// concurrent use by many goroutines and, on one host, by many processes
// opening the same directory.
type dirStore struct {
	root   string // absolute, for messages
	rootFD int    // the root directory; every call resolves below it
	tmpFD  int    // <root>/.kylin-go/tmp
	// anonTemp is set when temporary files are created with O_TMPFILE
	// (decided at Open).
	anonTemp bool
	locks    *stripes
	log      *zap.Logger

	// mu guards closed and inFlight. Close marks the store closed; the
	// descriptors are closed by whichever of Close and the last call in
	// flight comes last, so no call ever sees a closed descriptor and
	// Close never waits (not even when called from a Walk callback).
	mu       sync.Mutex
	closed   bool
	inFlight int
	done     chan struct{} // closed by Close: stops lock waits
}

var (
	_ driver.Store     = (*dirStore)(nil)
	_ driver.Importer  = (*dirStore)(nil)
	_ driver.Describer = (*dirStore)(nil)
)

// Open opens the metastore in the directory root, which must exist (as
// Kylin's FileResourceStore requires). It creates the hidden .kylin-go
// directory, removes temporary files left by writers that died, checks that
// the file system keeps modification times to the millisecond, and writes
// /UUID if it is missing. The Store offers metastore.Importer; RootOf
// returns its directory.
func Open(ctx context.Context, root string, opts ...metastore.Option) (metastore.Store, error) {
	d, err := openDriver(ctx, root, metastore.Collect(opts...))
	if err != nil {
		return nil, err
	}
	s := metastore.New(d, opts...)
	if _, err := metastore.EnsureUUID(ctx, s); err != nil {
		s.Close()
		return nil, fmt.Errorf("filestore: %s: %w", d.root, err)
	}
	return s, nil
}

// RootOf returns the absolute directory of a Store that Open returned, and
// false for any other Store.
func RootOf(s metastore.Store) (string, bool) {
	d, ok := metastore.DriverOf(s).(*dirStore)
	if !ok {
		return "", false
	}
	return d.root, true
}

// openDriver opens the driver: the directory checked and prepared.
func openDriver(ctx context.Context, root string, o metastore.Options) (*dirStore, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	abs, err := absRoot(root)
	if err != nil {
		return nil, err
	}
	s := &dirStore{root: abs, rootFD: -1, tmpFD: -1, log: o.Logger.With(zap.String("root", abs)),
		done: make(chan struct{})}
	if err := s.setup(); err != nil {
		s.closeFDs()
		return nil, err
	}
	return s, nil
}

// Capabilities declares empty content held (an empty file) and no size
// limit.
func (s *dirStore) Capabilities() driver.Caps {
	return driver.Caps{Backend: "filestore", EmptyContent: true}
}

func absRoot(root string) (string, error) {
	root = strings.TrimSpace(root)
	if root == "" {
		return "", fmt.Errorf("filestore: empty root directory; pass the metadata directory, e.g. /var/kylin/meta")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("filestore: root %q: %w", root, err)
	}
	return abs, nil
}

// setup opens the root and the internal directories, cleans up and probes.
func (s *dirStore) setup() error {
	fd, err := unix.Open(s.root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	switch {
	case err == unix.ENOENT:
		return fmt.Errorf("filestore: root %s does not exist; create the directory first (Kylin's FileResourceStore requires it too)", s.root)
	case err == unix.ENOTDIR:
		return fmt.Errorf("filestore: root %s is not a directory; point the metadata URL at a directory", s.root)
	case err != nil:
		return fmt.Errorf("filestore: open root %s: %w", s.root, err)
	}
	s.rootFD = fd
	if s.tmpFD, err = s.makeInternalDirs(); err != nil {
		return err
	}
	if s.locks, err = openStripes(s.rootFD, s.root); err != nil {
		return err
	}
	if err := s.checkFileSystem(); err != nil {
		return err
	}
	s.removeStaleTemps()
	return nil
}

// Close marks the store closed: later calls return ErrClosed, and a call
// waiting for a lock returns ErrClosed. Calls already past their lock wait
// finish; the directory descriptors are released when the last of them
// returns. Close is idempotent and never blocks.
func (s *dirStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	close(s.done)
	if s.inFlight == 0 {
		s.closeFDs()
	}
	return nil
}

func (s *dirStore) closeFDs() {
	if s.locks != nil {
		s.locks.close()
	}
	for _, fd := range []int{s.tmpFD, s.rootFD} {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
	s.tmpFD, s.rootFD = -1, -1
}

// begin starts a call: it fails with ErrClosed when the call raced with
// Close (the portable Store checked before). end must be called when the
// call returns.
func (s *dirStore) begin() (end func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, driver.ErrClosed
	}
	s.inFlight++
	return s.end, nil
}

func (s *dirStore) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
	if s.inFlight == 0 && s.closed {
		s.closeFDs()
	}
}

// String names the store for logs.
func (s *dirStore) String() string { return "filestore:" + s.root }
