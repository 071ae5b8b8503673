package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/filestore"
)

const restoreDetail = `
Copies every resource of the backup directory DIR (written by 'kylinctl metastore backup'
or by Kylin's metastore.sh backup) into the configured metastore, with the same
paths, content and timestamps, /UUID included. Afterwards every node of
kylin.server.cluster-servers is told to reload everything (all/all/update).

Before the first write every resource is checked against what the target
can hold (empty content, the largest value, timestamps); if any is refused,
nothing is written and every refusal is listed.

The target must be empty (a /UUID alone counts as empty); --force restores over
a store that holds resources: the backup's resources replace those at the same
paths, and resources the backup does not hold are left in place and counted.

Several writers copy at once: into HBase in Multi calls of up to 100
resources, into a directory without a flush per file and one sync at the
end. Only resources whose write succeeded are counted; a failure names the
resource.

Exact timestamps need a store that can import them (memstore and filestore;
see metastore.Importer). Into any other store, --new-timestamps restores the
content with fresh timestamps instead.
`

// errStop ends a Walk early.
var errStop = errors.New("stop")

func restoreCmd(fs *flag.FlagSet) action {
	force := fs.Bool("force", false, "restore into a store that already holds resources")
	newTS := fs.Bool("new-timestamps", false, "for a store that cannot import timestamps: write with fresh ones")
	noAnnounce := fs.Bool("no-announce", false, "do not tell the cluster's nodes to reload")
	return func(ctx context.Context, e *env, args []string) error {
		src, err := openBackup(ctx, args[0])
		if err != nil {
			return err
		}
		defer src.Close()
		dst, err := e.store(ctx)
		if err != nil {
			return err
		}
		if err := notInside(dst, rootOf(src), "backup directory %s is the target metastore's own directory %s; restore into another store"); err != nil {
			return err
		}
		if err := checkTarget(ctx, dst, *force, *newTS); err != nil {
			return err
		}
		_, importing := dst.(metastore.Importer)
		refused, err := precheck(ctx, src, dst, importing)
		if err != nil {
			return err
		}
		if len(refused) > 0 {
			return refusedErr(refused)
		}
		seen, p, err := copyAll(ctx, e, src, dst)
		if err != nil {
			return fmt.Errorf("restore stopped after %s; the target holds part of the backup, run restore --force again: %w",
				p.summary(), err)
		}
		fmt.Fprintf(e.stdout, "restore: %s from %s\n", p.summary(), rootOf(src))
		if *force {
			if err := reportExtra(ctx, e, dst, seen); err != nil {
				return err
			}
		}
		return e.announceNotes(ctx, *noAnnounce, note{entity: cluster.EntityAll, key: cluster.EntityAll, event: cluster.EventUpdate})
	}
}

// openBackup opens a backup directory, which must exist.
func openBackup(ctx context.Context, dir string) (metastore.Store, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, usagef(nil, "backup directory: %v; give the directory 'kylinctl backup' or Kylin's metastore.sh backup wrote", err)
	}
	if !fi.IsDir() {
		return nil, usagef(nil, "%s is not a directory; give the backup directory (unpack an archive first)", dir)
	}
	return filestore.Open(ctx, dir)
}

// checkTarget refuses a non-empty target without --force, and a target
// that cannot keep timestamps without --new-timestamps.
func checkTarget(ctx context.Context, dst metastore.Store, force, newTS bool) error {
	if _, ok := dst.(metastore.Importer); !ok && !newTS {
		return fmt.Errorf("the target metastore (%T) cannot store resources with their original timestamps "+
			"(it does not implement metastore.Importer); re-run with --new-timestamps to restore with fresh ones", dst)
	}
	if force {
		return nil
	}
	var first string
	err := dst.Walk(ctx, metastore.Root, metastore.Window{}, func(r metastore.Resource) error {
		if r.Path == metastore.UUIDPath {
			return nil
		}
		first = r.Path
		return errStop
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if first != "" {
		return fmt.Errorf("the target metastore is not empty (it holds %s, among others); "+
			"restore into an empty store, or pass --force to replace what the backup holds", first)
	}
	return nil
}

// Bounds of one batch of a restore into a metastore.BatchImporter
// (hbasestore: one Multi call each): the Java client's usual batch of a
// hundred Puts, and a few MiB.
const (
	restoreBatch      = 100
	restoreBatchBytes = 2 << 20
)

// copyAll writes every resource of src into dst and returns their paths:
// one goroutine walks src and copyWriters write. Into a filestore the
// files are written without fsyncs and synced once at the end
// (filestore.Bulk); into a store that imports in batches (HBase: Multi
// calls) each writer imports a batch at a time. Only resources whose write
// returned nil are counted and returned.
func copyAll(ctx context.Context, e *env, src, dst metastore.Store) (map[string]bool, *progress, error) {
	p := e.progress("restore")
	p.expectFrom(src)
	defer p.done()
	seen := map[string]bool{}
	done := func(r metastore.Resource) {
		seen[r.Path] = true
		p.add(len(r.Content))
	}
	if bulk, err := filestore.NewBulk(dst); err == nil {
		if err := copyEach(ctx, src, one(bulk.Import), done); err != nil {
			return seen, p, err
		}
		return seen, p, bulk.Sync(ctx)
	}
	if bi, ok := dst.(metastore.BatchImporter); ok {
		return seen, p, copyBatches(ctx, src, bi, done)
	}
	if imp, ok := dst.(metastore.Importer); ok {
		return seen, p, copyEach(ctx, src, one(imp.Import), done)
	}
	return seen, p, copyEach(ctx, src, one(func(ctx context.Context, r metastore.Resource) error {
		return restoreOne(ctx, dst, r)
	}), done)
}

// copyEach writes each resource of src with write on copyWriters.
func copyEach(ctx context.Context, src metastore.Store, write func(context.Context, metastore.Resource, func(metastore.Resource)) error,
	done func(metastore.Resource)) error {
	w := startWriters(ctx, copyWriters, write, done)
	readErr := src.Walk(ctx, metastore.Root, metastore.Window{}, w.send)
	return copyErr(readErr, w.wait())
}

// copyBatches imports the resources of src into bi in batches, on
// copyWriters.
func copyBatches(ctx context.Context, src metastore.Store, bi metastore.BatchImporter, done func(metastore.Resource)) error {
	w := startWriters(ctx, copyWriters, importBatch(bi), done)
	var batch []metastore.Resource
	size := 0
	readErr := src.Walk(ctx, metastore.Root, metastore.Window{}, func(r metastore.Resource) error {
		batch = append(batch, r)
		if size += len(r.Content); len(batch) < restoreBatch && size < restoreBatchBytes {
			return nil
		}
		full := batch
		batch, size = nil, 0
		return w.send(full)
	})
	if readErr == nil && len(batch) > 0 {
		readErr = w.send(batch)
	}
	return copyErr(readErr, w.wait())
}

// importBatch imports one batch, reports each resource written, and
// returns the first failure (which names its resource).
func importBatch(bi metastore.BatchImporter) func(context.Context, []metastore.Resource, func(metastore.Resource)) error {
	return func(ctx context.Context, rs []metastore.Resource, done func(metastore.Resource)) error {
		errs := bi.ImportBatch(ctx, rs)
		var first error
		failed := 0
		for i, r := range rs {
			if errs == nil || errs[i] == nil {
				done(r)
				continue
			}
			if first == nil {
				first = errs[i]
			}
			failed++
		}
		if failed > 1 {
			return fmt.Errorf("%w (and %d more resources of its batch failed)", first, failed-1)
		}
		return first
	}
}

// restoreOne puts r over whatever is stored, into a store without an
// Importer (--new-timestamps): a compare-and-set against what it read just
// before.
func restoreOne(ctx context.Context, dst metastore.Store, r metastore.Resource) error {
	old, err := expectedTS(ctx, dst, r.Path, tsFlag{})
	if err != nil {
		return err
	}
	_, err = dst.Put(ctx, r.Path, r.Content, old)
	return err
}

// reportExtra warns about resources of the target the backup does not hold.
func reportExtra(ctx context.Context, e *env, dst metastore.Store, seen map[string]bool) error {
	var extra []string
	err := dst.Walk(ctx, metastore.Root, metastore.Window{}, func(r metastore.Resource) error {
		if !seen[r.Path] {
			extra = append(extra, r.Path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(extra) > 0 {
		e.warnf("%d resources of the target are not in the backup and were left in place, first %s; "+
			"'kylinctl metastore rm' removes one", len(extra), extra[0])
	}
	return nil
}
