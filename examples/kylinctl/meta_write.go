package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/cache"
)

// maxPutBytes bounds what put reads, far above any Kylin resource.
const maxPutBytes = 256 << 20

func metaPut(fs *flag.FlagSet) action {
	var expect tsFlag
	fs.Var(&expect, "ts", "expected current `TIMESTAMP` of PATH (0: PATH must not exist); default: read it first")
	noAnnounce := fs.Bool("no-announce", false, "do not tell the cluster's nodes about the change")
	return func(ctx context.Context, e *env, args []string) error {
		path, err := metastore.CleanPath(args[0])
		if err != nil {
			return err
		}
		src := "-"
		if len(args) == 2 {
			src = args[1]
		}
		if src == "-" && len(args) == 1 && e.hooks.isTerminal(e.hooks.stdin) {
			return usagef(nil, "put %s: no FILE given and stdin is a terminal; give a FILE, or pipe the content in", path)
		}
		content, err := readInput(e.hooks.stdin, src)
		if err != nil {
			return err
		}
		s, err := e.store(ctx)
		if err != nil {
			return err
		}
		old, err := expectedTS(ctx, s, path, expect)
		if err != nil {
			return fmt.Errorf("put %s: reading the timestamp to compare with: %w", path, err)
		}
		ts, err := s.Put(ctx, path, content, old)
		if errors.Is(err, metastore.ErrConflict) {
			return conflictHelp(err, "written", path, expect.set)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s %d\n", path, ts)
		event := cluster.EventUpdate
		if old == 0 {
			event = cluster.EventCreate
		}
		return e.announceChange(ctx, *noAnnounce, path, event)
	}
}

// expectedTS is the timestamp the Put compares with: the flag's, or the
// stored one read now (0 when nothing is stored).
func expectedTS(ctx context.Context, s metastore.Store, path string, f tsFlag) (int64, error) {
	if f.set {
		return f.ts, nil
	}
	r, err := s.Get(ctx, path)
	switch {
	case errors.Is(err, metastore.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	}
	return r.Timestamp, nil
}

func conflictHelp(err error, verb, path string, explicit bool) error {
	if explicit {
		return fmt.Errorf("%w; nothing was %s. Someone changed %s since the timestamp you gave: "+
			"look at it ('kylinctl metastore stat %s') and pass its current timestamp with --ts if you still mean to replace it",
			err, verb, path, path)
	}
	return fmt.Errorf("%w; nothing was %s: %s changed between our read and our write (a concurrent writer); run the command again",
		err, verb, path)
}

// readInput reads a file, or stdin for "-".
func readInput(stdin io.Reader, src string) ([]byte, error) {
	r := stdin
	if src != "-" {
		f, err := os.Open(src)
		if err != nil {
			return nil, usageErr(nil, fmt.Errorf("content file: %w", err))
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxPutBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", src, err)
	}
	if len(b) > maxPutBytes {
		return nil, usagef(nil, "%s holds more than %d bytes; a metastore resource that large is a mistake", src, maxPutBytes)
	}
	return b, nil
}

func metaRm(fs *flag.FlagSet) action {
	var expect tsFlag
	fs.Var(&expect, "ts", "delete only if PATH's timestamp is still `TIMESTAMP`")
	force := fs.Bool("f", false, "succeed when nothing is stored at PATH")
	noAnnounce := fs.Bool("no-announce", false, "do not tell the cluster's nodes about the change")
	return func(ctx context.Context, e *env, args []string) error {
		path, err := metastore.CleanPath(args[0])
		if err != nil {
			return err
		}
		s, err := e.store(ctx)
		if err != nil {
			return err
		}
		if err := remove(ctx, s, path, expect, *force); err != nil {
			return err
		}
		return e.announceChange(ctx, *noAnnounce, path, cluster.EventDrop)
	}
}

// remove deletes path, conditionally when expect is set.
func remove(ctx context.Context, s metastore.Store, path string, expect tsFlag, force bool) error {
	if expect.set {
		err := s.DeleteIf(ctx, path, expect.ts)
		if errors.Is(err, metastore.ErrConflict) {
			return conflictHelp(err, "deleted", path, true)
		}
		if errors.Is(err, metastore.ErrNotFound) && force {
			return nil
		}
		return err
	}
	if !force {
		ok, err := s.Exists(ctx, path)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("rm %s: %w; nothing to delete ('kylinctl metastore ls %s' shows the folder; -f ignores a missing resource)",
				path, metastore.ErrNotFound, parentOf(path))
		}
	}
	return s.Delete(ctx, path)
}

// entityOf names the broadcast entity of a resource path.
func entityOf(path string) (entity, key string) { return cache.PathEntity(path) }
