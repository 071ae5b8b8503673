package main

import (
	"context"
	"flag"
	"fmt"
	"slices"

	"github.com/kylin-go/kylin/lock"
)

const locksDetail = `
Locks are read where the cluster's nodes keep them: ZooKeeper, under
kylin.env.zookeeper-base-path/<cluster name> (Kylin's layout). The job engine
uses /job_engine/global_job_engine_lock (scheduler 0), /job_engine/lock/<job id>
(scheduler 2) and /job_engine/leader (scheduler 100).
`

func locksLs(fs *flag.FlagSet) action {
	recursive := fs.Bool("R", false, "list the keys below each key too")
	return func(ctx context.Context, e *env, args []string) error {
		prefix := "/"
		if len(args) == 1 {
			prefix = args[0]
		}
		if err := checkLockKey(prefix, true); err != nil {
			return err
		}
		l, err := e.locker(ctx)
		if err != nil {
			return err
		}
		lister, ok := l.(lock.Lister)
		if !ok {
			return fmt.Errorf("the lock backend (%T) cannot list its locks", l)
		}
		return listLocks(ctx, e, lister, prefix, *recursive)
	}
}

// listLocks prints "KEY OWNER" for the keys under prefix, depth first.
func listLocks(ctx context.Context, e *env, l lock.Lister, prefix string, recursive bool) error {
	held, err := l.List(ctx, prefix)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(held))
	for k := range held {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		owner := held[k]
		if owner == "" {
			owner = "-"
		}
		fmt.Fprintf(e.stdout, "%s\t%s\n", k, owner)
		if recursive {
			if err := listLocks(ctx, e, l, k, true); err != nil {
				return err
			}
		}
	}
	return nil
}

func locksPeek(fs *flag.FlagSet) action {
	return func(ctx context.Context, e *env, args []string) error {
		if err := checkLockKey(args[0], false); err != nil {
			return err
		}
		l, err := e.locker(ctx)
		if err != nil {
			return err
		}
		owner, held, err := l.Owner(ctx, args[0])
		if err != nil {
			return err
		}
		if !held {
			fmt.Fprintf(e.stdout, "%s\tfree\n", args[0])
			return nil
		}
		fmt.Fprintf(e.stdout, "%s\theld by %s\n", args[0], owner)
		return nil
	}
}

func locksPurge(fs *flag.FlagSet) action {
	yes := fs.Bool("yes", false, "confirm: remove every lock under PREFIX, whoever holds it")
	return func(ctx context.Context, e *env, args []string) error {
		prefix := args[0]
		if err := checkLockKey(prefix, true); err != nil {
			return err
		}
		if !*yes {
			return usagef(nil, "purge removes every lock under %s whoever holds it, and their holders lose them "+
				"(use it for locks left by crashed nodes); re-run with --yes to confirm", prefix)
		}
		l, err := e.locker(ctx)
		if err != nil {
			return err
		}
		p, ok := l.(lock.Purger)
		if !ok {
			return fmt.Errorf("the lock backend (%T) cannot purge", l)
		}
		if lister, ok := l.(lock.Lister); ok {
			fmt.Fprintln(e.stdout, "removing:")
			if err := listLocks(ctx, e, lister, prefix, true); err != nil {
				return err
			}
		}
		if err := p.Purge(ctx, prefix); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "purged %s\n", prefix)
		return nil
	}
}
