package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/bench/internal/readme"
	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/cluster/zkmembership"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
)

type memberConfig struct {
	nodes, churn, rounds int
}

// BenchmarkScaleMembership registers 50 nodes in ZooKeeper (each its own
// session, as 50 processes would), times until every view holds all 50,
// then replaces 10 of them and times until every live view holds exactly
// the new set. It needs ZooKeeper (KYLIN_TEST_ZK; make bench-scale starts
// one). -short: 3 nodes, 1 replaced, one round.
func BenchmarkScaleMembership(b *testing.B) {
	zk := testenv.ZooKeeper(b)
	cfg := memberConfig{nodes: 50, churn: 10, rounds: 5}
	if v, err := strconv.Atoi(os.Getenv("KYLIN_SCALE_ROUNDS")); err == nil && v > 0 {
		cfg.rounds = v
	}
	if testing.Short() {
		cfg = memberConfig{nodes: 3, churn: 1, rounds: 1}
	}
	for range b.N {
		var join, churn, heap, reqs []float64
		for range cfg.rounds {
			j, c, h, err := membershipRound(zk, cfg)
			if err != nil {
				b.Fatal(err)
			}
			join, churn, heap, reqs = append(join, j), append(churn, c.ms), append(heap, h), append(reqs, c.requests)
		}
		table := membershipTable(cfg, join, churn, heap, reqs)
		fmt.Print(table)
		if os.Getenv("KYLIN_BENCH_README") != "" && !testing.Short() {
			if err := readme.Replace("../../README.md", "scale membership", table); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// churnCost is what the churn took: time until every view agreed, and the
// requests the ZooKeeper server received meanwhile.
type churnCost struct{ ms, requests float64 }

// membershipRound returns the time for all views to converge after the
// joins (ms), the churn's cost, and the live heap per member (bytes).
func membershipRound(zk string, cfg memberConfig) (join float64, churn churnCost, perMember float64, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var id [6]byte
	rand.Read(id[:])
	zc := config.Default().ZooKeeper
	zc.ConnectString, zc.ClusterName = zk, "scale_"+hex.EncodeToString(id[:])
	zc.SessionTimeout = 10 * time.Second
	members := map[string]*zkmembership.Membership{}
	defer func() {
		for _, m := range members {
			m.Close()
		}
	}()
	add := func(i int) error {
		self := cluster.Node{Addr: "127.0.0.1:" + strconv.Itoa(20000+i), Mode: cluster.ModeAll}
		m, err := zkmembership.New(ctx, zc, &self)
		if err != nil {
			return err
		}
		members[self.Addr] = m
		return nil
	}
	before := liveHeap()
	start := time.Now()
	for i := range cfg.nodes {
		if err := add(i); err != nil {
			return 0, churn, 0, err
		}
	}
	if err := converge(ctx, members); err != nil {
		return 0, churn, 0, err
	}
	join = ms(time.Since(start))
	perMember = float64(liveHeap()-before) / float64(cfg.nodes)
	received := zkReceived(zk)
	start = time.Now()
	for i := range cfg.churn {
		addr := "127.0.0.1:" + strconv.Itoa(20000+i)
		members[addr].Close()
		delete(members, addr)
		if err := add(cfg.nodes + i); err != nil {
			return 0, churn, 0, err
		}
	}
	if err := converge(ctx, members); err != nil {
		return 0, churn, 0, err
	}
	churn.ms = ms(time.Since(start))
	churn.requests = float64(zkReceived(zk) - received)
	return join, churn, perMember, nil
}

// zkReceived is the packet count the first server of connect reports to
// the srvr command (0 if it does not answer).
func zkReceived(connect string) int64 {
	host, _, _ := strings.Cut(connect, ",")
	host, _, _ = strings.Cut(host, "/")
	c, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		return 0
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("srvr")); err != nil {
		return 0
	}
	out, _ := io.ReadAll(c)
	for line := range strings.Lines(string(out)) {
		if v, ok := strings.CutPrefix(line, "Received: "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// converge waits until every member's view is exactly the members' set.
func converge(ctx context.Context, members map[string]*zkmembership.Membership) error {
	for {
		behind := 0
		for _, m := range members {
			if !sameSet(m.Nodes(), members) {
				behind++
			}
		}
		if behind == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d views still differ: %w", behind, len(members), ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
}

func sameSet(view []cluster.Node, members map[string]*zkmembership.Membership) bool {
	if len(view) != len(members) {
		return false
	}
	for _, n := range view {
		if _, ok := members[n.Addr]; !ok {
			return false
		}
	}
	return true
}

func membershipTable(cfg memberConfig, join, churn, heap, reqs []float64) string {
	var w strings.Builder
	fmt.Fprintf(&w, "### scale: ZooKeeper membership, %d registrations\n\n", cfg.nodes)
	fmt.Fprintf(&w, "%d zkmembership.Membership instances in one process, each with its own ZooKeeper session (one\n", cfg.nodes)
	fmt.Fprintf(&w, "standalone server, scripts/zookeeper.sh), registered one after another; \"join\" is from the first\n")
	fmt.Fprintf(&w, "registration until every view holds all %d. \"Churn\": %d members close and %d new ones register;\n", cfg.nodes, cfg.churn, cfg.churn)
	fmt.Fprintf(&w, "from the first close until every live view is exactly the new set (views polled every ms).\n")
	fmt.Fprintf(&w, "No peer in this run: Kylin's discovery is Curator on the JVM. %d rounds, medians with min-max.\n", cfg.rounds)
	fmt.Fprintf(&w, "%s/%s, GOMAXPROCS %d.\n", runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Fprintf(&w, "Reproduce: `make bench-scale` (or with `KYLIN_TEST_ZK` set: `KYLIN_BENCH_README=1 go test ./bench/scale/cluster -run '^$' -bench Membership -benchtime 1x`).\n\n")
	fmt.Fprintf(&w, "| figure | value |\n|---|---|\n")
	fmt.Fprintf(&w, "| join: %d registrations until every view agrees, ms | %s |\n", cfg.nodes, cell(join, "%.0f"))
	fmt.Fprintf(&w, "| churn: %d replaced until every view agrees, ms | %s |\n", cfg.churn, cell(churn, "%.0f"))
	fmt.Fprintf(&w, "| churn: requests the ZooKeeper server received (srvr) | %s |\n", cell(reqs, "%.0f"))
	kib := make([]float64, len(heap))
	for i, h := range heap {
		kib[i] = h / 1024
	}
	fmt.Fprintf(&w, "| live heap per member (connection, view, watcher), KiB | %s |\n", cell(kib, "%.0f"))
	return w.String()
}
