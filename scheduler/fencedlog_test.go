package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

// fencedLog is the chaos test's record of step effects: one resource per
// step under /chaos_log, a list of entries appended with compare-and-set.
// An entry whose token is older than one already in the log for the same
// lock key is refused, so a deposed owner cannot commit after its
// successor started.
type fencedLog struct{ store metastore.Store }

type logEntry struct {
	Ev    string `json:"ev"` // start or end
	Owner string `json:"owner"`
	Key   string `json:"key"`
	Token uint64 `json:"token"`
}

var errStaleLog = errors.New("fenced log: a newer owner has written this step's log")

func logPath(stepID string) string { return "/chaos_log/" + stepID }

func (l fencedLog) read(ctx context.Context, stepID string) ([]logEntry, int64, error) {
	r, err := l.store.Get(ctx, logPath(stepID))
	if errors.Is(err, metastore.ErrNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var es []logEntry
	if err := json.Unmarshal(r.Content, &es); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", r.Path, err)
	}
	return es, r.Timestamp, nil
}

func (l fencedLog) append(ctx context.Context, stepID string, e logEntry) ([]logEntry, error) {
	for {
		es, ts, err := l.read(ctx, stepID)
		if err != nil {
			return nil, err
		}
		for _, old := range es {
			if old.Key == e.Key && old.Token > e.Token {
				return es, errStaleLog
			}
		}
		es = append(es, e)
		b, _ := json.Marshal(es)
		_, err = l.store.Put(ctx, logPath(stepID), b, ts)
		if !errors.Is(err, metastore.ErrConflict) {
			return es, err
		}
	}
}

func committed(es []logEntry) int {
	n := 0
	for _, e := range es {
		if e.Ev == "end" {
			n++
		}
	}
	return n
}

// fencedLogExec is the chaos test's step: log start, work a while, log
// end. A step whose log already shows a committed end returns at once,
// as a real step re-attaches to work that finished (Kylin's MR steps
// re-attach to their recorded mr_job_id).
type fencedLogExec struct {
	log      fencedLog
	min, max time.Duration
}

func (x fencedLogExec) Execute(ctx context.Context, run StepRun) (Result, error) {
	e := logEntry{Ev: "start", Owner: run.Owner, Key: run.Fence.Key, Token: run.Fence.Token}
	es, err := x.log.append(ctx, run.Step.ID, e)
	if err != nil {
		return Result{}, err
	}
	if committed(es) > 0 {
		return Result{Content: "already committed"}, nil
	}
	select { // the step's work
	case <-time.After(x.min + rand.N(x.max-x.min)):
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	e.Ev = "end"
	if _, err := x.log.append(ctx, run.Step.ID, e); err != nil {
		return Result{}, err
	}
	return Result{Content: "committed"}, nil
}
