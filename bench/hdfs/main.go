package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/bench/internal/readme"
	"github.com/kylin-go/kylin/internal/hdfsfs"
)

func main() {
	nn := flag.String("nn", "", "NameNode host:port (empty: start one with scripts/hdfs.sh)")
	size := flag.Int("size", 12<<20, "bytes per file (a big cell)")
	ops := flag.Int("ops", 4, "files written and read per client per round")
	rounds := flag.Int("rounds", 5, "interleaved rounds")
	out := flag.String("readme", "", "replace the hdfs section of this README with the table")
	flag.Parse()
	if err := run(*nn, *size, *ops, *rounds, *out); err != nil {
		log.Fatal(err)
	}
}

// client is one contender: it writes and reads ops files per round and
// returns each operation's duration.
type client interface {
	name() string
	round(ctx context.Context, op string, n int) ([]time.Duration, error)
}

func run(nn string, size, ops, rounds int, out string) error {
	ctx := context.Background()
	if nn == "" {
		addr, stop, err := startHDFS()
		if err != nil {
			return err
		}
		defer stop()
		nn = addr
	}
	dir := fmt.Sprintf("/bench-hdfs/%d", time.Now().UnixNano())
	goc, err := newGoClient(nn, dir+"/go", size)
	if err != nil {
		return err
	}
	defer goc.fs.Close()
	clients := []client{goc}
	for _, delay := range []int{-1, 10} {
		j, err := newJavaClient(nn, fmt.Sprintf("%s/java%d", dir, delay), size, delay)
		if err != nil {
			return err
		}
		defer j.close()
		clients = append(clients, j)
	}
	res := map[string]map[string]*series{}
	for _, c := range clients {
		res[c.name()] = map[string]*series{"write": {}, "read": {}}
		if _, err := c.round(ctx, "write", 1); err != nil { // warm up
			return fmt.Errorf("%s: %w", c.name(), err)
		}
	}
	for r := range rounds {
		for i := range clients {
			c := clients[(i+r)%len(clients)]
			for _, op := range []string{"write", "read"} {
				d, err := c.round(ctx, op, ops)
				if err != nil {
					return fmt.Errorf("round %d %s %s: %w", r, c.name(), op, err)
				}
				res[c.name()][op].add(d, size)
			}
		}
		log.Printf("round %d of %d done", r+1, rounds)
	}
	table := report(clients, res, size, ops, rounds)
	fmt.Print(table)
	if out != "" {
		return readme.Replace(out, "hdfs", table)
	}
	return nil
}

// series gathers one client's operations of one kind.
type series struct {
	mbps []float64       // per round: bytes / summed time
	all  []time.Duration // every operation
}

func (s *series) add(d []time.Duration, size int) {
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	s.mbps = append(s.mbps, float64(size*len(d))/sum.Seconds()/(1<<20))
	s.all = append(s.all, d...)
}

func (s *series) median() float64 {
	v := slices.Clone(s.mbps)
	slices.Sort(v)
	return v[len(v)/2]
}

func (s *series) spread() (float64, float64) { return slices.Min(s.mbps), slices.Max(s.mbps) }

func (s *series) p99() time.Duration {
	v := slices.Clone(s.all)
	slices.Sort(v)
	return v[min(len(v)-1, len(v)*99/100)]
}

func report(clients []client, res map[string]map[string]*series, size, ops, rounds int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## hdfs: big cells\n\n")
	fmt.Fprintf(&b, "kylin-go's HDFS client (internal/hdfsfs over github.com/colinmarc/hdfs/v2 v2.4.0: write, close retried while\n")
	fmt.Fprintf(&b, "the NameNode waits for the block report; read whole file) against Hadoop 3.3.6's Java FileSystem client\n")
	fmt.Fprintf(&b, "(one warm JVM per setting), same HDFS (scripts/hdfs.sh: one NameNode, one DataNode, replication 1), same run.\n")
	fmt.Fprintf(&b, "%d interleaved rounds (order rotated per round), %d files of %d MiB written then read per client per round,\n", rounds, ops, size>>20)
	fmt.Fprintf(&b, "%s/%s, GOMAXPROCS %d. MB/s per round = bytes / summed operation time: median (min-max);\n", runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Fprintf(&b, "p99 over all %d operations per client; ratio = Go median / Java median (above 1: Go faster).\n", rounds*ops)
	fmt.Fprintf(&b, "Reproduce: `go run ./bench/hdfs -readme bench/README.md`.\n\n")
	fmt.Fprintf(&b, "| client | write MiB/s | write p99 | read MiB/s | read p99 | write ratio | read ratio |\n|---|---|---|---|---|---|---|\n")
	g := res[clients[0].name()]
	for _, c := range clients {
		s := res[c.name()]
		wlo, whi := s["write"].spread()
		rlo, rhi := s["read"].spread()
		wr, rr := "-", "-"
		if c != clients[0] {
			wr = fmt.Sprintf("%.2f", g["write"].median()/s["write"].median())
			rr = fmt.Sprintf("%.2f", g["read"].median()/s["read"].median())
		}
		fmt.Fprintf(&b, "| %s | %.0f (%.0f-%.0f) | %v | %.0f (%.0f-%.0f) | %v | %s | %s |\n", c.name(),
			s["write"].median(), wlo, whi, s["write"].p99().Round(time.Millisecond),
			s["read"].median(), rlo, rhi, s["read"].p99().Round(time.Millisecond), wr, rr)
	}
	b.WriteString("\nReading it: Hadoop's default client waits 400 ms before it first retries completing a file, which\n" +
		"dominates a 12 MiB write; with that wait at 10 ms (the Go client's first retry) the Java client is the\n" +
		"one to beat. The load of the shared machine moves single rounds by 2x: compare the medians of one run.\n" +
		"Where Go loses: a CPU profile of 12 MiB writes and reads shows the Go client waiting, not computing (CPU\n" +
		"about a fifth of the wall time; CRC32C on SSE4.2 and copies a small part of it). colinmarc/hdfs keeps at\n" +
		"most 5 packets of 64 KiB unacknowledged per block stream (a constant of its internal package; Hadoop's\n" +
		"client allows 80), so a write waits for the DataNode's acks every 320 KiB; raising it needs a fork.\n" +
		"Handing the writer 64 KiB at a time instead of the whole content (so that the library does not copy\n" +
		"it into one growing buffer first) measured no better (0.86x write, same run, loaded machine): not kept.\n\n")
	return b.String()
}

// goClient is kylin-go's client.
type goClient struct {
	fs   *hdfsfs.FS
	dir  string
	data []byte
}

func newGoClient(nn, dir string, size int) (*goClient, error) {
	fs, err := hdfsfs.New(hdfsfs.Options{Addresses: []string{nn}})
	if err != nil {
		return nil, err
	}
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 31)
	}
	return &goClient{fs: fs, dir: dir, data: data}, nil
}

func (g *goClient) name() string { return "Go (hdfsfs)" }

func (g *goClient) round(ctx context.Context, op string, n int) ([]time.Duration, error) {
	var d []time.Duration
	for i := range n {
		name := fmt.Sprintf("%s/go-%d", g.dir, i)
		start := time.Now()
		err := g.fs.Do(ctx, func(c *hdfs.Client) error {
			if op == "write" {
				c.Remove(name)
				return hdfsfs.CreateFile(ctx, c, name, g.data)
			}
			data, _, err := hdfsfs.ReadFile(c, name)
			if err == nil && len(data) != len(g.data) {
				err = fmt.Errorf("read %d bytes, want %d", len(data), len(g.data))
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		d = append(d, time.Since(start))
	}
	return d, nil
}

// javaClient drives kylingo.hdfs.Bench over its standard input.
type javaClient struct {
	label string
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Scanner
}

func newJavaClient(nn, dir string, size, delay int) (*javaClient, error) {
	script, err := script("hdfs.sh")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("bash", script, "java", "--dir", os.TempDir(), "kylingo.hdfs.Bench",
		nn, dir, strconv.Itoa(size), strconv.Itoa(delay))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	label := "Java FileSystem, default settings"
	if delay >= 0 {
		label = fmt.Sprintf("Java FileSystem, first completion retry after %d ms", delay)
	}
	return &javaClient{label: label, cmd: cmd, in: in, out: bufio.NewScanner(out)}, nil
}

func (j *javaClient) name() string { return j.label }

func (j *javaClient) round(_ context.Context, op string, n int) ([]time.Duration, error) {
	if _, err := fmt.Fprintf(j.in, "%s %d\n", op, n); err != nil {
		return nil, err
	}
	var d []time.Duration
	for j.out.Scan() {
		line := j.out.Text()
		if line == "done" {
			return d, nil
		}
		ns, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("java peer printed %q", line)
		}
		d = append(d, time.Duration(ns))
	}
	return nil, fmt.Errorf("java peer exited: %v", j.out.Err())
}

func (j *javaClient) close() {
	fmt.Fprintln(j.in, "quit")
	j.in.Close()
	j.cmd.Wait()
}

// startHDFS starts an HDFS for the run and returns its address and stop.
func startHDFS() (string, func(), error) {
	script, err := script("hdfs.sh")
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "bench-hdfs")
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command("bash", script, "start", "--dir", dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", nil, fmt.Errorf("scripts/hdfs.sh start: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	stop := func() {
		exec.Command("bash", script, "stop", "--dir", dir).Run()
		os.RemoveAll(dir)
	}
	return lines[len(lines)-1], stop, nil
}

// script finds scripts/NAME above the working directory.
func script(name string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "scripts", name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("scripts/%s not found above the working directory", name)
		}
		dir = filepath.Dir(dir)
	}
}
