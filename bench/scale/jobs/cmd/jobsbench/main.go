// Command jobsbench is one measurement of bench/scale/jobs in its own
// process: it opens (and optionally seeds) a store, measures an engine on
// it and prints the Result as JSON on stdout.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/kylin-go/kylin/bench/scale/jobs"
	"github.com/kylin-go/kylin/metastore"
	_ "github.com/kylin-go/kylin/metastore/filestore"
	_ "github.com/kylin-go/kylin/metastore/hbasestore"
	_ "github.com/kylin-go/kylin/metastore/memstore"
)

func main() {
	url := flag.String("url", "", "metastore URL (kylin.metadata.url)")
	var c jobs.Config
	flag.IntVar(&c.Jobs, "seed", 0, "finished jobs to import first")
	flag.IntVar(&c.Starts, "starts", 20, "submit-to-start samples")
	flag.IntVar(&c.Passes, "passes", 5, "full-pass samples")
	flag.DurationVar(&c.Quiet, "quiet", 50*time.Millisecond, "a pass ends after this long without a store call")
	flag.IntVar(&c.Workers, "workers", 8, "seeding goroutines")
	flag.IntVar(&c.Busy, "busy", 0, "submit-to-start samples during a full pass")
	timeout := flag.Duration("timeout", 30*time.Minute, "give up after")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := run(ctx, *url, c); err != nil {
		fmt.Fprintln(os.Stderr, "jobsbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url string, c jobs.Config) error {
	s, err := metastore.Open(ctx, url)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := jobs.Measure(ctx, s, c)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}
