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
)

// Store is a metastore.Store over a local directory. Create it with Open;
// it is safe for concurrent use by many goroutines and, on one host, by
// many processes opening the same directory.
type Store struct {
	root   string // absolute, for messages
	rootFD int    // the root directory; every call resolves below it
	tmpFD  int    // <root>/.kylin-go/tmp
	// anonTemp: temporary files are created with O_TMPFILE (decided at Open).
	anonTemp bool
	locks    *stripes
	opts     metastore.Options
	log      *zap.Logger
	m        *metrics

	// mu guards closed and inFlight. Close marks the store closed; the
	// descriptors are closed by whichever of Close and the last call in
	// flight comes last, so no call ever sees a closed descriptor and
	// Close never waits (not even when called from a Walk callback).
	mu       sync.Mutex
	closed   bool
	inFlight int
	done     chan struct{} // closed by Close: stops lock waits
}

var _ metastore.Store = (*Store)(nil)

// Open opens the metastore in the directory root, which must exist (as
// Kylin's FileResourceStore requires). It creates the hidden .kylin-go
// directory, removes temporary files left by writers that died, checks that
// the file system keeps modification times to the millisecond, and writes
// /UUID if it is missing.
func Open(ctx context.Context, root string, opts ...metastore.Option) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	abs, err := absRoot(root)
	if err != nil {
		return nil, err
	}
	o := metastore.Collect(opts...)
	s := &Store{root: abs, rootFD: -1, tmpFD: -1, opts: o, log: o.Logger.With(zap.String("root", abs)),
		done: make(chan struct{})}
	if err := s.setup(); err != nil {
		s.closeFDs()
		return nil, err
	}
	if _, err := metastore.EnsureUUID(ctx, s); err != nil {
		s.Close()
		return nil, fmt.Errorf("filestore: %s: create /UUID: %w", abs, err)
	}
	return s, nil
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
func (s *Store) setup() error {
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
	m, err := newMetrics(s.opts.Registerer)
	if err != nil {
		return err
	}
	s.m = m
	return nil
}

// Root returns the absolute path of the store's directory.
func (s *Store) Root() string { return s.root }

// Close marks the store closed: later calls return ErrClosed, and a call
// waiting for a lock returns ErrClosed. Calls already past their lock wait
// finish; the directory descriptors are released when the last of them
// returns. Close is idempotent and never blocks.
func (s *Store) Close() error {
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

func (s *Store) closeFDs() {
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

// begin starts a call: it fails with ErrClosed after Close and with
// ctx.Err() (unwrapped) when ctx has ended. end must be called when the
// call returns.
func (s *Store) begin(ctx context.Context) (end func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, metastore.ErrClosed
	}
	s.inFlight++
	return s.end, nil
}

func (s *Store) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
	if s.inFlight == 0 && s.closed {
		s.closeFDs()
	}
}

// String names the store for logs.
func (s *Store) String() string { return "filestore:" + s.root }
