package main

import (
	"context"
	_ "embed"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/scheduler"
)

//go:embed status.html
var statusHTML string

var statusTemplate = template.Must(template.New("status").Parse(statusHTML))

// statusPage is what /status shows.
type statusPage struct {
	Self         cluster.Node
	Scheduler    int
	Metadata     string
	EngineActive bool
	Generated    string
	Nodes        []nodeRow
	Locks        []lockRow
	LockError    string
	Jobs         []jobView
	JobError     string
}

type nodeRow struct {
	Addr string
	Mode string
	Self bool
}

type lockRow struct{ Key, Owner string }

// handleStatus renders the status page: no JavaScript, one request.
func (n *node) handleStatus(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	p := statusPage{Self: n.self, Scheduler: n.cfg.Job.Scheduler, Metadata: n.cfg.Metastore.URL,
		EngineActive: n.engine.Stats().Active, Generated: time.Now().UTC().Format(time.RFC3339)}
	for _, m := range n.members.Nodes() {
		p.Nodes = append(p.Nodes, nodeRow{Addr: m.Addr, Mode: m.Mode.String(), Self: m.Addr == n.self.Addr})
	}
	var err error
	if p.Locks, err = n.lockHolders(ctx); err != nil {
		p.LockError = err.Error()
	}
	if p.Jobs, err = n.jobViews(ctx); err != nil {
		p.JobError = err.Error()
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := statusTemplate.Execute(w, p); err != nil {
		n.log.Sugar().Warnw("status page", "error", err)
	}
}

// lockHolders lists the engine locks of every mode: the global lock (mode
// 0), the leader lock (100) and the per-job locks (2, when the Locker can
// list them).
func (n *node) lockHolders(ctx context.Context) ([]lockRow, error) {
	var rows []lockRow
	owner, held, err := n.locks.Owner(ctx, scheduler.GlobalLockKey)
	if err != nil {
		return rows, err
	}
	if held {
		rows = append(rows, lockRow{Key: scheduler.GlobalLockKey, Owner: owner})
	}
	if leader, err := n.leader(ctx); err != nil {
		return rows, err
	} else if leader != "" {
		rows = append(rows, lockRow{Key: scheduler.LeaderKey, Owner: leader})
	}
	lister, ok := n.locks.(lock.Lister)
	if !ok {
		return rows, nil
	}
	jobLocks, err := lister.List(ctx, scheduler.JobLockPrefix)
	if err != nil {
		return rows, err
	}
	keys := make([]string, 0, len(jobLocks))
	for k := range jobLocks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		key := k // the Lister contract does not say whether keys come back whole
		if !strings.HasPrefix(k, scheduler.JobLockPrefix+"/") {
			key = scheduler.JobLockPrefix + "/" + k
		}
		rows = append(rows, lockRow{Key: key, Owner: jobLocks[k]})
	}
	return rows, nil
}

// leader is the mode-100 leader's participant id, or "" when there is none.
// On a Locker that runs Curator's election (zklock) the leader key is a
// queue of candidates, not a lock, so it is read through ParticipantLister.
func (n *node) leader(ctx context.Context) (string, error) {
	if pl, ok := n.locks.(lock.ParticipantLister); ok {
		ps, err := pl.Participants(ctx, scheduler.LeaderKey)
		if err != nil {
			return "", err
		}
		for _, p := range ps {
			if p.Leader {
				return p.ID, nil
			}
		}
		return "", nil
	}
	owner, held, err := n.locks.Owner(ctx, scheduler.LeaderKey)
	if err != nil || !held {
		return "", err
	}
	return owner, nil
}
