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
	for _, key := range []string{scheduler.GlobalLockKey, scheduler.LeaderKey} {
		owner, held, err := n.locks.Owner(ctx, key)
		if err != nil {
			return rows, err
		}
		if held {
			rows = append(rows, lockRow{Key: key, Owner: owner})
		}
	}
	lister, ok := n.locks.(lock.Lister)
	if !ok {
		return rows, nil
	}
	held, err := lister.List(ctx, scheduler.JobLockPrefix)
	if err != nil {
		return rows, err
	}
	keys := make([]string, 0, len(held))
	for k := range held {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		key := k // the Lister contract does not say whether keys come back whole
		if !strings.HasPrefix(k, scheduler.JobLockPrefix+"/") {
			key = scheduler.JobLockPrefix + "/" + k
		}
		rows = append(rows, lockRow{Key: key, Owner: held[k]})
	}
	return rows, nil
}
