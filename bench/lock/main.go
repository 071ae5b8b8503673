// Command lock compares zklock with go-zookeeper's zk.Lock on the same
// ZooKeeper, started for the run by scripts/zookeeper.sh (one server,
// default fsync), in interleaved rounds:
//
//   - acquire+release per second with 1, 8 and 32 contending clients, each
//     with its own session, and the p50/p99 of one acquire+release;
//   - clean hand-off: from a holder's Unlock to a waiting client's Lock
//     returning;
//   - crash hand-off: from SIGKILL of a holder process to a waiting
//     client's Lock returning, with the session timeout used.
//
// It prints a table and, with -readme, writes it as the "lock" section of
// bench/README.md.
//
//	go run ./bench/lock -rounds 5 -readme bench/README.md
package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/kylin-go/kylin/bench/internal/readme"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

type flags struct {
	rounds   int
	duration time.Duration
	handoffs int
	session  time.Duration
	clients  []int
	readme   string
	zk       string
}

func main() {
	if runChild() {
		return
	}
	var f flags
	var clients string
	flag.IntVar(&f.rounds, "rounds", 5, "interleaved rounds (>= 5 for a report)")
	flag.DurationVar(&f.duration, "duration", 2*time.Second, "measuring time per throughput run")
	flag.IntVar(&f.handoffs, "handoffs", 30, "clean hand-offs measured per round")
	flag.DurationVar(&f.session, "session", 2*time.Second, "session timeout (crash hand-off)")
	flag.StringVar(&clients, "clients", "1,8,32", "contending clients per throughput run")
	flag.StringVar(&f.readme, "readme", "", "write the table into this README's \"lock\" section")
	flag.StringVar(&f.zk, "zk", "", "use this ZooKeeper instead of starting one")
	flag.Parse()
	for _, c := range strings.Split(clients, ",") {
		var n int
		if _, err := fmt.Sscan(c, &n); err != nil || n < 1 {
			fail(fmt.Errorf("-clients %q: want a comma-separated list of positive counts", clients))
		}
		f.clients = append(f.clients, n)
	}
	if err := run(f); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/lock:", err)
	os.Exit(1)
}

func run(f flags) error {
	connect := f.zk
	if connect == "" {
		stop, addr, err := startZooKeeper()
		if err != nil {
			return err
		}
		defer stop()
		connect = addr
	}
	ctx := context.Background()
	res := newResults()
	for r := 0; r < f.rounds; r++ {
		impls := []impl{peerImpl{}, oursImpl{}}
		if r%2 == 1 {
			impls[0], impls[1] = impls[1], impls[0]
		}
		fmt.Fprintf(os.Stderr, "round %d/%d\n", r+1, f.rounds)
		for _, im := range impls {
			if err := measureRound(ctx, f, connect, im, res); err != nil {
				return fmt.Errorf("%s: %w", im.name(), err)
			}
		}
	}
	table := res.table(f)
	fmt.Print(table)
	if f.readme != "" {
		return readme.Replace(f.readme, "lock", "## lock\n\n"+table)
	}
	return nil
}

func measureRound(ctx context.Context, f flags, connect string, im impl, res *results) error {
	for _, c := range f.clients {
		tp, lat, err := throughput(ctx, im, connect, c, f.duration)
		if err != nil {
			return err
		}
		res.add(im.name(), fmt.Sprintf("tput%d", c), tp)
		res.add(im.name(), fmt.Sprintf("p50_%d", c), ms(percentile(lat, 0.50)))
		res.add(im.name(), fmt.Sprintf("p99_%d", c), ms(percentile(lat, 0.99)))
	}
	hand, err := cleanHandoff(ctx, im, connect, f.handoffs)
	if err != nil {
		return err
	}
	res.add(im.name(), "clean50", ms(percentile(hand, 0.50)))
	res.add(im.name(), "clean99", ms(percentile(hand, 0.99)))
	crash, err := crashHandoff(ctx, im, connect, f.session)
	if err != nil {
		return err
	}
	res.add(im.name(), "crash", ms(crash))
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// startZooKeeper starts one server with scripts/zookeeper.sh.
func startZooKeeper() (func(), string, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, "", err
	}
	dir, err := os.MkdirTemp("", "bench-lock-zk")
	if err != nil {
		return nil, "", err
	}
	script := filepath.Join(root, "scripts", "zookeeper.sh")
	cmd := exec.Command(script, "start", "1", "--dir", dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, "", fmt.Errorf("zookeeper.sh start: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	stop := func() {
		c := exec.Command(script, "stop", "--dir", dir)
		c.Stderr = os.Stderr
		_ = c.Run()
		_ = os.RemoveAll(dir)
	}
	return stop, lines[len(lines)-1], nil
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("run from inside the repository (no go.mod found)")
		}
		dir = parent
	}
}
