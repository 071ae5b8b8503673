package main

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
)

type results struct {
	v map[string]map[string][]float64 // impl -> metric -> one value per round
}

func newResults() *results { return &results{v: make(map[string]map[string][]float64)} }

func (r *results) add(impl, metric string, x float64) {
	if r.v[impl] == nil {
		r.v[impl] = make(map[string][]float64)
	}
	r.v[impl][metric] = append(r.v[impl][metric], x)
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func spread(xs []float64) string {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return "-"
	}
	return fmt.Sprintf("%s [%s-%s]", num(median(s)), num(s[0]), num(s[len(s)-1]))
}

func num(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

func (r *results) table(f flags) string {
	var b strings.Builder
	fmt.Fprintf(&b, "zklock against go-zookeeper's zk.Lock on one Debian ZooKeeper 3.8 server (default fsync, loopback),\n")
	fmt.Fprintf(&b, "each client with its own session. %d rounds, interleaved (order alternating per round); %v per throughput run;\n", f.rounds, f.duration)
	fmt.Fprintf(&b, "%d clean hand-offs per round; crash hand-off = SIGKILL of a holder process, session timeout %v.\n", f.handoffs, f.session)
	fmt.Fprintf(&b, "Median [min-max] over rounds; %s/%s, GOMAXPROCS %d.\n", runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Fprintf(&b, "Reproduce: `go run ./bench/lock -rounds %d -readme bench/README.md`.\n\n", f.rounds)
	b.WriteString("| workload | unit | zk.Lock | zklock | zklock/zk.Lock |\n|---|---|---|---|---|\n")
	row := func(label, unit, metric, better string) {
		p, o := r.v["zk.Lock"][metric], r.v["zklock"][metric]
		ratio := "-"
		if median(p) > 0 {
			ratio = fmt.Sprintf("%.2f (%s is better)", median(o)/median(p), better)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", label, unit, spread(p), spread(o), ratio)
	}
	for _, c := range f.clients {
		row(fmt.Sprintf("acquire+release, %d client(s)", c), "ops/s", fmt.Sprintf("tput%d", c), "higher")
		row(fmt.Sprintf("p50 acquire+release, %d client(s)", c), "ms", fmt.Sprintf("p50_%d", c), "lower")
		row(fmt.Sprintf("p99 acquire+release, %d client(s)", c), "ms", fmt.Sprintf("p99_%d", c), "lower")
	}
	row("clean hand-off p50", "ms", "clean50", "lower")
	row("clean hand-off p99", "ms", "clean99", "lower")
	row(fmt.Sprintf("crash hand-off (session %v)", f.session), "ms", "crash", "lower")
	b.WriteString(notes)
	return b.String()
}

const notes = `
Reading it: uncontended, zklock costs a create and a delete per acquisition (the token is the
creation zxid carried by the create's reply; the lease's watch is set off the caller's path),
zk.Lock a create, a children read and a delete. Under contention Kylin's lock is one ephemeral
znode at the lock path, so a hand-off is two dependent fsynced writes (the holder's delete, then
the next holder's create), while zk.Lock's waiters create their sequential znodes while they
wait and a hand-off costs only the delete: zklock's clean hand-off p50 is about one fsync longer.
The delete also wakes every waiter and they race to create (a failed create is a logged
transaction too), which is what the 32-client rows show. Being Kylin-compatible (a Kylin 3.x
node must find and respect the lock at the path it expects) has that price; zklock keeps the
herd's writes down by looking before creating after any wake-up that was not a delete, and by
not reading the owner while waiting. There is no FIFO queue: the releasing client often
re-acquires at once (unfair under saturation, like Kylin's own lock), hence the higher p99. The
crash hand-off is the session timeout plus the server's expiry tick for both. The machine is
shared and noisy (2-5x spreads within a run): read the ratios of medians with their spreads.
`
