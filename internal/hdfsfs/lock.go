package hdfsfs

import (
	"context"
	"errors"
	"os"
	"path"
	"strings"
	"time"

	"github.com/colinmarc/hdfs/v2"
)

// Lock backoff while another client holds the lease.
const (
	lockBackoffMin = 20 * time.Millisecond
	lockBackoffMax = 500 * time.Millisecond
)

// Lease is a held lock: the lock file open for append by one client. The
// NameNode refuses every other appender until Unlock, or until the lease
// expires because this process died (the soft limit, 60 s by default).
type Lease struct {
	s *session
	w *hdfs.FileWriter
}

// Lock takes the lease on the lock file name, creating it (empty, with its
// parents) if missing, and waits while another client holds it, until ctx
// is done. The lease lives on a session of its own, not bound to ctx:
// release it with Unlock.
func (f *FS) Lock(ctx context.Context, name string) (*Lease, error) {
	s, err := f.get(ctx)
	if err != nil {
		return nil, err
	}
	s.conns.bind(ctx)
	stop := context.AfterFunc(ctx, s.conns.closeAll)
	w, err := f.acquire(ctx, s.c, name)
	if !stop() || (err != nil && ctx.Err() != nil) {
		s.close()
		return nil, ctx.Err()
	}
	s.conns.bind(context.Background())
	if err != nil {
		s.close()
		return nil, err
	}
	return &Lease{s: s, w: w}, nil
}

func (f *FS) acquire(ctx context.Context, c *hdfs.Client, name string) (*hdfs.FileWriter, error) {
	wait := lockBackoffMin
	for {
		w, err := c.Append(name)
		switch {
		case err == nil:
			return w, nil
		case errors.Is(err, os.ErrNotExist):
			if err := createEmpty(c, name); err != nil && !errors.Is(err, os.ErrExist) {
				return nil, err
			}
			continue
		case !leaseHeld(err):
			return nil, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, lockBackoffMax)
	}
}

func createEmpty(c *hdfs.Client, name string) error {
	if err := c.MkdirAll(path.Dir(name), 0o755); err != nil {
		return err
	}
	return c.CreateEmptyFile(name)
}

// leaseHeld reports the NameNode's refusals while another client holds the
// file's lease, or while it recovers the lease of a client that died.
func leaseHeld(err error) bool {
	var he hdfs.Error
	if !errors.As(err, &he) {
		return false
	}
	switch he.Exception() {
	case "org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException",
		"org.apache.hadoop.hdfs.protocol.RecoveryInProgressException":
		return true
	}
	return strings.Contains(he.Exception(), "RetriableException")
}

// Unlock releases the lease (closes the lock file). When ctx ends first, the
// session is dropped and the lease expires on the NameNode's soft limit.
func (l *Lease) Unlock(ctx context.Context) error {
	l.s.conns.bind(ctx)
	stop := context.AfterFunc(ctx, l.s.conns.closeAll)
	err := CloseWriter(ctx, l.w)
	stop()
	l.s.close()
	return err
}
