package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/filestore"
)

const backupDetail = `
Copies every resource of the configured metastore into DIR, one file per
resource at the resource's path (DIR/cube/sales.json), each file's modification
time set to the resource's exact timestamp. This is the layout of Kylin's own
metadata backups (metastore.sh backup) and of filestore: Kylin's tools and
'kylinctl metastore restore' read it, and --metadata-url DIR opens it as a metastore.

Entries of a directory metastore that are not regular files (symbolic links,
FIFOs, devices, sockets) are not resources and are not copied: the backup is
still written, then listed are how many were left out and which, and the
command exits 1, so a script does not take the backup for a whole copy.

The files are written by several writers without a flush each, and made
durable together at the end (one sync of DIR's file system): only the
success line says the backup is complete; after a failure or an interrupt
DIR is incomplete.

DIR must not exist or be empty. Resources written while the backup runs may or
may not be in it (as with Kylin's backup); each copied resource is whole, with
its own timestamp. The hidden DIR/.kylin-go holds only empty directories that
filestore uses for locking; Kylin ignores it.
`

func backupCmd(fs *flag.FlagSet) action {
	return func(ctx context.Context, e *env, args []string) error {
		dir := args[0]
		src, err := e.store(ctx)
		if err != nil {
			return err
		}
		if err := notInside(src, dir, "backup directory %s is inside the metastore's own directory %s; put it elsewhere"); err != nil {
			return err
		}
		if err := prepareBackupDir(dir); err != nil {
			return err
		}
		dst, err := filestore.Open(ctx, dir)
		if err != nil {
			return err
		}
		defer dst.Close()
		p := e.progress("backup")
		err = copyInto(ctx, src, dst, p)
		p.done()
		if err != nil {
			return fmt.Errorf("backup stopped after %s; %s is incomplete, delete it: %w", p.summary(), dir, err)
		}
		fmt.Fprintf(e.stdout, "backup: %s written to %s\n", p.summary(), rootOf(dst))
		return skippedError(src)
	}
}

// copyInto copies every resource of src into the filestore dst: one
// goroutine walks src, copyWriters write the files without fsyncs
// (filestore.Bulk), and one sync at the end makes them durable. Nothing is
// durable, and the backup is not complete, until it returns nil.
func copyInto(ctx context.Context, src, dst metastore.Store, p *progress) error {
	bulk, err := filestore.NewBulk(dst)
	if err != nil {
		return err
	}
	w := startWriters(ctx, copyWriters, one(bulk.Import), func(r metastore.Resource) { p.add(len(r.Content)) })
	readErr := src.Walk(ctx, metastore.Root, metastore.Window{}, w.send)
	if err := copyErr(readErr, w.wait()); err != nil {
		return err
	}
	return bulk.Sync(ctx)
}

// maxSkippedNamed bounds the entries a skipped-entries error names.
const maxSkippedNamed = 20

// skippedError lists the entries of a directory metastore that Walk left
// out because they are not regular files; nil when there are none or the
// store is not a directory.
func skippedError(s metastore.Store) error {
	root, ok := filestore.RootOf(s)
	if !ok {
		return nil
	}
	var skipped []string
	err := filepath.WalkDir(root, func(p string, d iofs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: Walk reported it, or it vanished
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case d.IsDir() && rel == ".kylin-go":
			return filepath.SkipDir
		case d.IsDir() || d.Type().IsRegular():
			return nil
		}
		skipped = append(skipped, fmt.Sprintf("/%s (%s)", filepath.ToSlash(rel), kindName(d.Type())))
		return nil
	})
	if err != nil || len(skipped) == 0 {
		return err
	}
	n := len(skipped)
	if n > maxSkippedNamed {
		skipped = append(skipped[:maxSkippedNamed], fmt.Sprintf("and %d more", n-maxSkippedNamed))
	}
	return fmt.Errorf("backup left out %d entries of %s that are not regular files: %s; copy what they point to in as files, or remove them",
		n, root, strings.Join(skipped, ", "))
}

func kindName(m iofs.FileMode) string {
	switch {
	case m&iofs.ModeSymlink != 0:
		return "symbolic link"
	case m&iofs.ModeNamedPipe != 0:
		return "FIFO"
	case m&iofs.ModeSocket != 0:
		return "socket"
	case m&iofs.ModeDevice != 0:
		return "device"
	}
	return "not a regular file"
}

// notInside refuses a directory at or below the root of a filestore s,
// which would copy the store into itself.
func notInside(s metastore.Store, dir, format string) error {
	fsRoot, ok := filestore.RootOf(s)
	if !ok {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	abs, root := resolve(abs), resolve(fsRoot)
	if abs == root || strings.HasPrefix(abs, root+string(filepath.Separator)) {
		return usagef(nil, format, dir, fsRoot)
	}
	return nil
}

// resolve follows symbolic links where the path exists.
func resolve(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// prepareBackupDir creates dir, or accepts it if it is an empty directory.
func prepareBackupDir(dir string) error {
	f, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create backup directory: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("backup directory: %w", err)
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	if err != nil && !errors.Is(err, io.EOF) {
		return usagef(nil, "backup directory %s: %v; give a new or empty directory", dir, err)
	}
	if len(names) > 0 {
		return usagef(nil, "backup directory %s is not empty; give a new or empty directory so no old file mixes into the backup", dir)
	}
	return nil
}

// rootOf is the directory of a filestore ("" for another store).
func rootOf(s metastore.Store) string {
	root, _ := filestore.RootOf(s)
	return root
}
