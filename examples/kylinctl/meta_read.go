package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

func metaLs(fs *flag.FlagSet) action {
	recursive := fs.Bool("R", false, "list every resource below PATH, recursively, with its timestamp and size")
	return func(ctx context.Context, e *env, args []string) error {
		folder := metastore.Root
		if len(args) == 1 {
			folder = args[0]
		}
		if _, err := metastore.CleanFolder(folder); err != nil {
			return err
		}
		s, err := e.store(ctx)
		if err != nil {
			return err
		}
		if *recursive {
			return s.Walk(ctx, folder, metastore.Window{}, func(r metastore.Resource) error {
				printStat(e, r)
				return nil
			})
		}
		return listChildren(ctx, e, s, folder)
	}
}

// listChildren prints the direct children of folder, or the resource
// itself when folder names one (as ls does for a file).
func listChildren(ctx context.Context, e *env, s metastore.Store, folder string) error {
	children, err := s.List(ctx, folder)
	if err != nil {
		return err
	}
	if len(children) == 0 && folder != metastore.Root {
		if ok, err := s.Exists(ctx, folder); err != nil || ok {
			children = []string{folder}
		}
	}
	for _, c := range children {
		fmt.Fprintln(e.stdout, c)
	}
	return nil
}

// printStat prints "TIMESTAMP TIME SIZE PATH".
func printStat(e *env, r metastore.Resource) {
	fmt.Fprintf(e.stdout, "%d  %s  %9d  %s\n", r.Timestamp, formatTS(r.Timestamp), len(r.Content), r.Path)
}

func formatTS(ts int64) string {
	return time.UnixMilli(ts).UTC().Format("2006-01-02T15:04:05.000Z")
}

func metaCat(fs *flag.FlagSet) action {
	return func(ctx context.Context, e *env, args []string) error {
		r, err := getResource(ctx, e, args[0])
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(r.Content)
		return err
	}
}

func metaStat(fs *flag.FlagSet) action {
	return func(ctx context.Context, e *env, args []string) error {
		r, err := getResource(ctx, e, args[0])
		if err != nil {
			return err
		}
		printStat(e, r)
		return nil
	}
}

// getResource reads one resource of the configured store.
func getResource(ctx context.Context, e *env, path string) (metastore.Resource, error) {
	if _, err := metastore.CleanPath(path); err != nil {
		return metastore.Resource{}, err
	}
	s, err := e.store(ctx)
	if err != nil {
		return metastore.Resource{}, err
	}
	r, err := s.Get(ctx, path)
	if errors.Is(err, metastore.ErrNotFound) {
		return r, fmt.Errorf("%w; 'kylinctl metastore ls %s' shows what the folder holds", err, parentOf(path))
	}
	return r, err
}

// parentOf is the folder of a resource path ("/" for a top-level one).
func parentOf(path string) string {
	clean, err := metastore.CleanPath(path)
	if err != nil {
		return metastore.Root
	}
	if i := strings.LastIndexByte(clean, '/'); i > 0 {
		return clean[:i]
	}
	return metastore.Root
}
