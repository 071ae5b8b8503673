//go:build linux

package filestore

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/kylin-go/kylin/metastore"
)

// Bulk imports many resources into a filestore and makes them durable once,
// at Sync, instead of fsyncing every file and its directory as Import does
// (two fsyncs per resource bound a backup to a few hundred resources a
// second on a disk).
//
// Each Import is still atomic (a reader sees the old file or the new one,
// whole, with its timestamp as modification time), but until Sync returns
// nil a crash may lose any of the imports, or leave some and not others.
// Use it to fill a directory that is not in use yet (a backup, a restore or
// a seed), and treat the result as incomplete until Sync succeeded. Import
// and Sync are safe for concurrent use; Sync covers the imports that
// returned before it was called.
type Bulk struct {
	d *dirStore
}

// NewBulk returns a Bulk over s, which must be a Store that Open returned
// (and stays open while the Bulk is used).
func NewBulk(s metastore.Store) (*Bulk, error) {
	d, ok := metastore.DriverOf(s).(*dirStore)
	if !ok {
		return nil, fmt.Errorf("filestore: NewBulk needs a Store from filestore.Open, not %T", s)
	}
	return &Bulk{d: d}, nil
}

// Import writes r as metastore.Importer does (r.Path cleaned, r.Timestamp
// at least 1 and set as the file's modification time, replacing whatever
// is at the path), without the fsyncs.
func (b *Bulk) Import(ctx context.Context, r metastore.Resource) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := metastore.CleanPath(r.Path)
	if err != nil {
		return err
	}
	if r.Timestamp < 1 {
		return &metastore.Error{Op: "import", Path: p, Err: fmt.Errorf(
			"timestamp %d is not positive; an imported resource needs its original timestamp (ms since 1970, at least 1)", r.Timestamp)}
	}
	err = b.d.write(ctx, p, r.Content, r.Timestamp, deferred, func(int64) error { return nil })
	if err == nil {
		return nil
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return ctx.Err()
	}
	return &metastore.Error{Op: "import", Path: p, Err: err}
}

// Sync makes every import that returned before the call durable: one
// syncfs(2) of the file system that holds the store's directory, which
// flushes the files, their modification times and the directory entries
// (and whatever else is pending on that file system). A nil error means
// the imports survive a crash; an error (the kernel reports a failed
// write-back since the store was opened) means they may not.
func (b *Bulk) Sync(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	end, err := b.d.begin()
	if err != nil {
		return &metastore.Error{Op: "sync", Err: err}
	}
	defer end()
	stage("syncfs")
	for {
		err = unix.Syncfs(b.d.rootFD)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return &metastore.Error{Op: "sync", Path: b.d.root, Err: fmt.Errorf("syncfs: %w", err)}
	}
	return nil
}
