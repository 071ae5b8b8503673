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

// copyAll writes every resource of src into dst and returns their paths:
// one goroutine walks src, copyWriters write (a restore into HBase waits
// for one round trip per resource, so several are in flight). Into a
// filestore the files are written without fsyncs and synced once at the
// end (filestore.Bulk). Only resources whose write returned are counted
// and returned.
func copyAll(ctx context.Context, e *env, src, dst metastore.Store) (map[string]bool, *progress, error) {
	p := e.progress("restore")
	p.expectFrom(src)
	defer p.done()
	write, sync := restoreWriter(dst)
	seen := map[string]bool{}
	w := startWriters(ctx, copyWriters, write, func(r metastore.Resource) {
		seen[r.Path] = true
		p.add(len(r.Content))
	})
	readErr := src.Walk(ctx, metastore.Root, metastore.Window{}, w.send)
	if err := copyErr(readErr, w.wait()); err != nil {
		return seen, p, err
	}
	return seen, p, sync(ctx)
}

// restoreWriter returns how to write one resource into dst and how to make
// the writes durable afterwards (a no-op but for a filestore).
func restoreWriter(dst metastore.Store) (write func(context.Context, metastore.Resource) error, sync func(context.Context) error) {
	if bulk, err := filestore.NewBulk(dst); err == nil {
		return bulk.Import, bulk.Sync
	}
	imp, _ := dst.(metastore.Importer)
	return func(ctx context.Context, r metastore.Resource) error { return restoreOne(ctx, dst, imp, r) },
		func(context.Context) error { return nil }
}

// restoreOne imports r, or, without an Importer, puts it over whatever is
// stored (a compare-and-set against what it read just before).
func restoreOne(ctx context.Context, dst metastore.Store, imp metastore.Importer, r metastore.Resource) error {
	if imp != nil {
		return imp.Import(ctx, r)
	}
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
