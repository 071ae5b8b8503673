// Command quickstart is the first thing to run: three kylin-go nodes in one
// process, on the embedded defaults (a filestore in a temporary directory,
// in-process locks, loopback HTTP), showing what Kylin's cluster mode does:
//
//  1. a metadata change on one node reaches every node's cache through the
//     broadcaster (Kylin's cache-sync REST calls);
//
//  2. a job starts on one node, that node stops mid-job, and another node
//     takes the job over and finishes it;
//
//  3. queries spread by the router over the surviving nodes all answer with
//     the new metadata.
//
//     go run ./examples/quickstart
//
// It needs no server and finishes in seconds. Every step waits on a
// condition (a channel, a Sync, a state) with a deadline, never on a sleep.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run plays the three acts on a fresh three-node cluster and stops it.
func run(ctx context.Context, out io.Writer) (err error) {
	dir, err := os.MkdirTemp("", "kylin-quickstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	say := narrator{w: out}
	c, err := startCluster(ctx, dir, 3, say)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := c.stop(); err == nil {
			err = cerr
		}
	}()
	if err := metadataAct(ctx, c, say); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	if err := jobAct(ctx, c, say); err != nil {
		return fmt.Errorf("job takeover: %w", err)
	}
	if err := queryAct(ctx, c, say); err != nil {
		return fmt.Errorf("queries: %w", err)
	}
	say.title("done: every node saw the change, the job survived its node, queries spread")
	return nil
}

// narrator prints the story.
type narrator struct{ w io.Writer }

func (n narrator) title(format string, args ...any) {
	fmt.Fprintf(n.w, "\n== "+format+"\n", args...)
}

func (n narrator) line(format string, args ...any) {
	fmt.Fprintf(n.w, "   "+format+"\n", args...)
}
