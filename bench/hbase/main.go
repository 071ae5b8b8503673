package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/kylin-go/kylin/metastore"
	_ "github.com/kylin-go/kylin/metastore/hbasestore" // registers the hbase scheme
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench/hbase:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("want a subcommand: compare, report or profile (see go doc ./bench/hbase)")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "compare":
		return compareCommand(ctx, args[1:], stdout)
	case "profile":
		return profileCommand(ctx, args[1:], stdout)
	case "report":
		fs := flag.NewFlagSet("report", flag.ContinueOnError)
		readme := fs.String("readme", "", "bench/README.md to update (empty: print only)")
		warmup := fs.Duration("warmup", 2*time.Second, "the warm-up the runs used, for the README text")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return report(stdin, stdout, *readme, *warmup)
	default:
		return fmt.Errorf("unknown subcommand %q: want compare, report or profile", args[0])
	}
}

func compareCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	quorum := fs.String("quorum", "", "HBase's ZooKeeper, HOST:PORT (required)")
	table := fs.String("table", "kylin_bench", "metadata table")
	workloads := fs.String("workloads", "read,write,cas", "comma-separated workloads")
	clients := fs.Int("clients", 16, "concurrent clients on each side")
	rounds := fs.Int("rounds", 5, "measured rounds")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured time before each measured run")
	measure := fs.Duration("measure", 4*time.Second, "measured time of each run")
	rate := fs.Float64("rate", 0, "ops/s per side: pace the clients (open loop, latency from each operation's actual start); 0 runs them back to back")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rounds < 1 {
		return fmt.Errorf("-rounds %d: want at least 1", *rounds)
	}
	s, err := openBench(ctx, *quorum, *table, *clients, *warmup, *measure, *rate)
	if err != nil {
		return err
	}
	defer s.Close()
	return compare(ctx, s, compareConfig{
		workloads: strings.Split(*workloads, ","), clients: *clients, rounds: *rounds, rate: *rate,
		warmup: *warmup, measure: *measure, quorum: *quorum, table: *table,
		java: fs.Args(), out: stdout, progress: os.Stderr,
	})
}

// openBench checks the flags both subcommands share, opens the metadata
// store on HBase and loads the rows the workloads read.
func openBench(ctx context.Context, quorum, table string, clients int, warmup, measure time.Duration, rate float64) (metastore.Store, error) {
	if quorum == "" {
		return nil, errors.New("-quorum HOST:PORT is required (the address scripts/hbase.sh start prints)")
	}
	if clients < 1 || measure <= 0 || warmup < 0 || rate < 0 {
		return nil, fmt.Errorf("-clients %d -measure %v -warmup %v -rate %v: want clients >= 1, measure > 0, warmup and rate >= 0",
			clients, measure, warmup, rate)
	}
	openCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	s, err := metastore.Open(openCtx, table+"@hbase,hbase.zookeeper.quorum="+quorum)
	if err != nil {
		return nil, err
	}
	if err := setup(openCtx, s); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
