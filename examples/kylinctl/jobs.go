package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/scheduler"
)

const jobsDetail = `
Jobs are Kylin's records in the metastore (/execute/<id> and /execute_output/<id>).
discard, pause and resume change them with compare-and-set, checked against
Kylin's state table, then tell the nodes of kylin.server.cluster-servers
(execute/<id>/update) so their job engines act at once instead of at their
next poll.
`

// manager opens the job manager over the configured metastore.
func (e *env) manager(ctx context.Context) (*scheduler.Manager, error) {
	cfg, err := e.config()
	if err != nil {
		return nil, err
	}
	s, err := e.store(ctx)
	if err != nil {
		return nil, err
	}
	return scheduler.NewManager(cfg.Job, s), nil
}

func jobsLs(fs *flag.FlagSet) action {
	state := fs.String("state", "", "list only jobs in this `STATE` (READY, RUNNING, ERROR, STOPPED, DISCARDED, SUCCEED)")
	return func(ctx context.Context, e *env, _ []string) error {
		var want scheduler.State
		if *state != "" {
			st, err := scheduler.ParseState(strings.ToUpper(*state))
			if err != nil {
				return usagef(nil, "--state %q: want one of %v", *state, scheduler.States)
			}
			want = st
		}
		m, err := e.manager(ctx)
		if err != nil {
			return err
		}
		return listJobs(ctx, e, m, want)
	}
}

// listJobs prints one line per job; a job whose records cannot be read is
// reported and the listing goes on.
func listJobs(ctx context.Context, e *env, m *scheduler.Manager, want scheduler.State) error {
	ids, err := m.List(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tTYPE\tNAME")
	var bad []string
	for _, id := range ids {
		j, err := m.Get(ctx, id)
		var o scheduler.Output
		if err == nil {
			o, err = m.Output(ctx, id)
		}
		if err != nil {
			e.warnf("job %s: %v", id, err)
			bad = append(bad, id)
			continue
		}
		if want == "" || o.Status == want {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", id, o.Status, j.Type, j.Name)
		}
	}
	tw.Flush()
	if len(bad) > 0 {
		return fmt.Errorf("%d job record(s) could not be read: %s", len(bad), strings.Join(bad, ", "))
	}
	return nil
}

func jobsShow(fs *flag.FlagSet) action {
	return func(ctx context.Context, e *env, args []string) error {
		m, err := e.manager(ctx)
		if err != nil {
			return err
		}
		j, err := m.Get(ctx, args[0])
		if err != nil {
			return jobErr(err, args[0])
		}
		o, err := m.Output(ctx, j.ID)
		if err != nil {
			return jobErr(err, args[0])
		}
		printJob(e, j, o)
		return printSteps(ctx, e, m, j)
	}
}

func printJob(e *env, j scheduler.Job, o scheduler.Output) {
	fmt.Fprintf(e.stdout, "id:     %s\nname:   %s\ntype:   %s\nstate:  %s\n", j.ID, j.Name, j.Type, o.Status)
	for _, k := range sortedKeys(j.Params) {
		fmt.Fprintf(e.stdout, "param:  %s=%s\n", k, j.Params[k])
	}
	for _, k := range sortedKeys(o.Info) {
		fmt.Fprintf(e.stdout, "info:   %s=%s\n", k, o.Info[k])
	}
}

func printSteps(ctx context.Context, e *env, m *scheduler.Manager, j scheduler.Job) error {
	fmt.Fprintln(e.stdout, "steps:")
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for i, s := range j.Steps {
		o, err := m.Output(ctx, s.ID)
		if err != nil {
			return jobErr(err, s.ID)
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\n", i, s.ID, o.Status, s.Name)
	}
	return tw.Flush()
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// jobChange is one of discard, pause, resume.
type jobChange struct {
	verb string
	do   func(m *scheduler.Manager, ctx context.Context, id string) error
}

var (
	jobDiscard = jobChange{"discarded", (*scheduler.Manager).Discard}
	jobPause   = jobChange{"paused", (*scheduler.Manager).Pause}
	jobResume  = jobChange{"resumed", (*scheduler.Manager).Resume}
)

func (c jobChange) setup(fs *flag.FlagSet) action {
	noAnnounce := fs.Bool("no-announce", false, "do not tell the cluster's job engines")
	return func(ctx context.Context, e *env, args []string) error {
		id := args[0]
		m, err := e.manager(ctx)
		if err != nil {
			return err
		}
		if err := c.do(m, ctx, id); err != nil {
			return jobErr(err, id)
		}
		o, err := m.Output(ctx, id)
		if err != nil {
			return jobErr(err, id)
		}
		fmt.Fprintf(e.stdout, "job %s %s: now %s\n", id, c.verb, o.Status)
		return e.announceNotes(ctx, *noAnnounce, note{entity: "execute", key: id, event: cluster.EventUpdate})
	}
}

// jobErr adds what to do to the scheduler's errors.
func jobErr(err error, id string) error {
	switch {
	case errors.Is(err, scheduler.ErrNotFound):
		return fmt.Errorf("%w; 'kylinctl jobs ls' lists the job ids", err)
	case errors.Is(err, scheduler.ErrIllegalTransition):
		return fmt.Errorf("%w; 'kylinctl jobs show %s' shows its state", err, id)
	}
	return err
}
