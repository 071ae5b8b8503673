package metastoretest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/kylin-go/kylin/metastore"
)

// casInput is one operation on one path: a read, a compare-and-set, or a
// conditional delete.
type casInput struct {
	path  string
	kind  opKind
	old   int64  // put, deleteIf: the timestamp the caller expects
	value string // put: unique per operation
}

type opKind int

const (
	opGet opKind = iota
	opPut
	opDeleteIf
)

// casOutput is what the store answered.
type casOutput struct {
	result string // "ok", "not_found", "conflict"
	ts     int64
	value  string // get: the content read
}

// casState is one path's register: ts 0 means nothing stored.
type casState struct {
	ts    int64
	value string
}

// casModel is a compare-and-set register per path. A put succeeds exactly
// when the stored timestamp equals old (0: nothing stored), and then stores
// a larger one; a deleteIf succeeds exactly when the stored timestamp equals
// old; a get sees the last successful write.
var casModel = porcupine.Model{
	Partition: partitionByPath,
	Init:      func() any { return casState{} },
	Step: func(state, input, output any) (bool, any) {
		st, in, out := state.(casState), input.(casInput), output.(casOutput)
		switch in.kind {
		case opGet:
			if st.ts == 0 {
				return out.result == "not_found", st
			}
			return out.result == "ok" && out.ts == st.ts && out.value == st.value, st
		case opDeleteIf:
			if st.ts == 0 {
				return out.result == "not_found", st
			}
			if in.old != st.ts {
				return out.result == "conflict", st
			}
			return out.result == "ok", casState{}
		}
		if in.old != st.ts {
			return out.result == "conflict", st
		}
		if out.result != "ok" || out.ts <= st.ts {
			return false, st
		}
		return true, casState{ts: out.ts, value: in.value}
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(casInput), output.(casOutput)
		switch in.kind {
		case opGet:
			return fmt.Sprintf("get(%s) -> %s ts=%d %q", in.path, out.result, out.ts, out.value)
		case opDeleteIf:
			return fmt.Sprintf("deleteIf(%s, ts=%d) -> %s", in.path, in.old, out.result)
		}
		return fmt.Sprintf("put(%s, old=%d, %q) -> %s ts=%d", in.path, in.old, in.value, out.result, out.ts)
	},
	DescribeState: func(state any) string {
		st := state.(casState)
		return fmt.Sprintf("ts=%d %q", st.ts, st.value)
	},
}

func partitionByPath(history []porcupine.Operation) [][]porcupine.Operation {
	byPath := map[string][]porcupine.Operation{}
	var order []string
	for _, op := range history {
		p := op.Input.(casInput).path
		if _, seen := byPath[p]; !seen {
			order = append(order, p)
		}
		byPath[p] = append(byPath[p], op)
	}
	out := make([][]porcupine.Operation, 0, len(order))
	for _, p := range order {
		out = append(out, byPath[p])
	}
	return out
}

// checkConcurrentCAS runs compare-and-set loops from several goroutines on
// a few paths and checks the history is linearizable. Every fifth write
// blindly creates (old ts 0), which must conflict once the path exists.
func checkConcurrentCAS(e *env) {
	workers, ops := e.caps.Workers, e.caps.OpsPerWorker
	if workers == 0 {
		workers = 8
	}
	if ops == 0 {
		ops = 40
	}
	paths := []string{e.p("cas/0"), e.p("cas/1"), e.p("cas/2")}
	start := time.Now()
	histories := make([][]porcupine.Operation, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			histories[w], errs[w] = casWorker(e, w, ops, paths, start)
		})
	}
	wg.Wait()
	var history []porcupine.Operation
	for w := range workers {
		if errs[w] != nil {
			e.t.Fatalf("worker %d: %v", w, errs[w])
		}
		history = append(history, histories[w]...)
	}
	e.checkHistory(history)
}

// casWorker runs ops rounds on random paths: a read then a write with the
// timestamp it read; every fifth round a blind create (old ts 0) instead,
// and every seventh a read then a conditional delete.
func casWorker(e *env, id, ops int, paths []string, start time.Time) ([]porcupine.Operation, error) {
	rng := rand.New(rand.NewPCG(uint64(id), 7))
	var out []porcupine.Operation
	for i := range ops {
		p := paths[rng.IntN(len(paths))]
		old := int64(0)
		if i%5 != 4 {
			op, err := casGet(e, id, p, start)
			if err != nil {
				return out, err
			}
			out = append(out, op)
			old = op.Output.(casOutput).ts
		}
		var op porcupine.Operation
		var err error
		if i%7 == 6 && old != 0 {
			op, err = casDeleteIf(e, id, p, old, start)
		} else {
			op, err = casPut(e, id, p, old, fmt.Sprintf("w%d-%d", id, i), start)
		}
		if err != nil {
			return out, err
		}
		out = append(out, op)
	}
	return out, nil
}

func casGet(e *env, id int, p string, start time.Time) (porcupine.Operation, error) {
	call := time.Since(start).Nanoseconds()
	r, err := e.s.Get(e.ctx, p)
	ret := time.Since(start).Nanoseconds()
	out := casOutput{result: "ok", ts: r.Timestamp, value: string(r.Content)}
	switch {
	case errors.Is(err, metastore.ErrNotFound):
		out = casOutput{result: "not_found"}
	case err != nil:
		return porcupine.Operation{}, fmt.Errorf("Get(%q): %w", p, err)
	}
	return porcupine.Operation{ClientId: id, Input: casInput{path: p, kind: opGet}, Call: call, Output: out, Return: ret}, nil
}

func casDeleteIf(e *env, id int, p string, old int64, start time.Time) (porcupine.Operation, error) {
	call := time.Since(start).Nanoseconds()
	err := e.s.DeleteIf(e.ctx, p, old)
	ret := time.Since(start).Nanoseconds()
	out := casOutput{result: "ok"}
	switch {
	case errors.Is(err, metastore.ErrConflict):
		out.result = "conflict"
	case errors.Is(err, metastore.ErrNotFound):
		out.result = "not_found"
	case err != nil:
		return porcupine.Operation{}, fmt.Errorf("DeleteIf(%q, %d): %w", p, old, err)
	}
	in := casInput{path: p, kind: opDeleteIf, old: old}
	return porcupine.Operation{ClientId: id, Input: in, Call: call, Output: out, Return: ret}, nil
}

func casPut(e *env, id int, p string, old int64, value string, start time.Time) (porcupine.Operation, error) {
	call := time.Since(start).Nanoseconds()
	ts, err := e.s.Put(e.ctx, p, []byte(value), old)
	ret := time.Since(start).Nanoseconds()
	out := casOutput{result: "ok", ts: ts}
	switch {
	case errors.Is(err, metastore.ErrConflict):
		out = casOutput{result: "conflict"}
	case err != nil:
		return porcupine.Operation{}, fmt.Errorf("Put(%q, old %d): %w", p, old, err)
	}
	in := casInput{path: p, kind: opPut, old: old, value: value}
	return porcupine.Operation{ClientId: id, Input: in, Call: call, Output: out, Return: ret}, nil
}

// checkHistory fails the check unless the history is linearizable; on a
// violation it writes porcupine's visualisation and names the file.
func (e *env) checkHistory(history []porcupine.Operation) {
	e.t.Helper()
	res, info := porcupine.CheckOperationsVerbose(casModel, history, time.Minute)
	switch res {
	case porcupine.Ok:
		e.t.Logf("%d operations linearizable", len(history))
		return
	case porcupine.Unknown:
		e.t.Errorf("linearizability of %d operations not decided within a minute", len(history))
		return
	}
	msg := fmt.Sprintf("history of %d compare-and-set operations is not linearizable", len(history))
	if e.vizDir == "" {
		e.t.Errorf("%s", msg)
		return
	}
	if f, err := os.CreateTemp(e.vizDir, "metastoretest-cas-*.html"); err == nil {
		if porcupine.Visualize(casModel, info, f) == nil {
			msg += "; see " + f.Name()
		}
		f.Close()
	}
	e.t.Errorf("%s", msg)
}
