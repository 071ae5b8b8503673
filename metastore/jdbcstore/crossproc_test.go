package jdbcstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/metastoretest"
)

// childEnv carries a writer process's job (JSON of childJob) when the test
// binary runs itself.
const childEnv = "JDBCSTORE_TEST_CHILD"

// childJob is what one writer process does.
type childJob struct {
	URL       string
	Paths     []string
	Client    int // id of its first goroutine
	Workers   int
	Ops       int
	Unchecked bool // the negative control: Put compares nothing
	Out       string
	Start     int64 // wall-clock ns at which every process begins
}

// TestCrossProcessCAS runs compare-and-set loops from three processes
// (the test binary re-executed, two goroutines each) on the same three
// paths and checks the merged history for linearizability. Every fifth
// write is a blind create (old ts 0). The negative control runs the same
// processes with a Put that compares nothing (Kylin's REPLACE INTO): its
// history must be caught.
func TestCrossProcessCAS(t *testing.T) {
	srv := sharedServer(t)
	url := srv.url("kylin_metadata", srv.freshDB(t))
	openDriver(t, DefaultConfig(url)) // create the tables
	for _, unchecked := range []bool{false, true} {
		name := map[bool]string{false: "atomic", true: "unchecked-negative-control"}[unchecked]
		t.Run(name, func(t *testing.T) {
			paths := []string{"/cas/" + name + "/0.json", "/cas/" + name + "/1.json", "/cas/" + name + "/2.json"}
			ops := runWriters(t, url, paths, unchecked)
			ok, msg, err := metastoretest.Linearizable(ops)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s (%d processes)", msg, writerProcs)
			if ok == unchecked {
				t.Fatalf("unchecked=%v: linearizable=%v: %s", unchecked, ok, msg)
			}
		})
	}
}

const (
	writerProcs   = 3
	writerWorkers = 2
	writerOps     = 40
)

// runWriters starts the writer processes and merges their histories.
func runWriters(t *testing.T, url string, paths []string, unchecked bool) []metastoretest.HistoryOp {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(2 * time.Second).UnixNano() // all begin together
	var all []metastoretest.HistoryOp
	var cmds []*exec.Cmd
	var outs []string
	for p := range writerProcs {
		job := childJob{URL: url, Paths: paths, Client: p * writerWorkers, Workers: writerWorkers, Ops: writerOps,
			Unchecked: unchecked, Out: filepath.Join(t.TempDir(), fmt.Sprintf("history-%d.json", p)), Start: start}
		b, _ := json.Marshal(job)
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+string(b))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, job.Out)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("writer process %d: %v", i, err)
		}
		b, err := os.ReadFile(outs[i])
		if err != nil {
			t.Fatal(err)
		}
		var ops []metastoretest.HistoryOp
		if err := json.Unmarshal(b, &ops); err != nil {
			t.Fatal(err)
		}
		all = append(all, ops...)
	}
	return all
}

// childMain is a writer process: it runs its job and writes its history.
func childMain() int {
	var job childJob
	if err := json.Unmarshal([]byte(os.Getenv(childEnv)), &job); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	ops, err := runJob(job)
	if err == nil {
		var b []byte
		b, err = json.Marshal(ops)
		if err == nil {
			err = os.WriteFile(job.Out, b, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

func runJob(job childJob) ([]metastoretest.HistoryOp, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := DefaultConfig(job.URL)
	d, err := OpenDriver(ctx, cfg, nil)
	if err != nil {
		return nil, err
	}
	d.unchecked = job.Unchecked
	s := metastore.New(d)
	defer s.Close()
	time.Sleep(time.Until(time.Unix(0, job.Start)))
	var mu sync.Mutex
	var all []metastoretest.HistoryOp
	var wg sync.WaitGroup
	errc := make(chan error, job.Workers)
	for w := range job.Workers {
		wg.Go(func() {
			ops, err := casLoop(ctx, s, job.Client+w, job.Ops, job.Paths)
			if err != nil {
				errc <- err
			}
			mu.Lock()
			all = append(all, ops...)
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errc)
	return all, <-errc
}

// casLoop is metastoretest's ConcurrentCAS worker shape: a read then a
// write with the timestamp read; every fifth round a blind create, every
// seventh a conditional delete.
func casLoop(ctx context.Context, s metastore.Store, client, n int, paths []string) ([]metastoretest.HistoryOp, error) {
	rng := rand.New(rand.NewPCG(uint64(client), uint64(os.Getpid())))
	var out []metastoretest.HistoryOp
	for i := range n {
		p := paths[rng.IntN(len(paths))]
		old := int64(0)
		if i%5 != 4 {
			op := metastoretest.HistoryOp{Client: client, Path: p, Kind: "get", Call: time.Now().UnixNano()}
			r, err := s.Get(ctx, p)
			op.Return, op.Result, op.TS, op.Read = time.Now().UnixNano(), "ok", r.Timestamp, string(r.Content)
			if errors.Is(err, metastore.ErrNotFound) {
				op.Result = "not_found"
			} else if err != nil {
				return out, err
			}
			out = append(out, op)
			old = op.TS
		}
		op := metastoretest.HistoryOp{Client: client, Path: p, Kind: "put", Old: old,
			Value: fmt.Sprintf("c%d-%d-%d", client, os.Getpid(), i), Call: time.Now().UnixNano()}
		var err error
		if i%7 == 6 && old != 0 {
			op.Kind, op.Value = "deleteIf", ""
			err = s.DeleteIf(ctx, p, old)
		} else {
			op.TS, err = s.Put(ctx, p, []byte(op.Value), old)
		}
		op.Return, op.Result = time.Now().UnixNano(), "ok"
		switch {
		case errors.Is(err, metastore.ErrConflict):
			op.Result, op.TS = "conflict", 0
		case errors.Is(err, metastore.ErrNotFound):
			op.Result = "not_found"
		case err != nil:
			return out, err
		}
		out = append(out, op)
	}
	return out, nil
}
