package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/kylin-go/kylin/scheduler"
)

// maxListedJobs bounds the jobs the list and the status page show.
const maxListedJobs = 500

// jobView is a job with its state and its steps' states.
type jobView struct {
	ID    string     `json:"id"`
	Name  string     `json:"name"`
	Type  string     `json:"type"`
	State string     `json:"state"`
	Owner string     `json:"owner,omitempty"` // buildInstance: the node that ran it last
	Steps []stepView `json:"steps"`
	// Error says why the job's records could not be read; the list shows
	// such a job beside the others instead of failing whole.
	Error string `json:"error,omitempty"`
}

type stepView struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	State   string `json:"state"`
	Content string `json:"content,omitempty"`
}

// handleSubmitJob adds a demo.sleep job (?steps=3&ms=500&name=N&id=ID&fail=K,
// K the 1-based step that fails); the Manager announces it, so every job
// node's engine looks at once.
func (n *node) handleSubmitJob(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	steps, err1 := intParam(q.Get("steps"), 3, 1, 50, "steps")
	ms, err2 := intParam(q.Get("ms"), 500, 0, 3600_000, "ms")
	fail, err3 := intParam(q.Get("fail"), 0, 0, steps, "fail")
	if err := errors.Join(err1, err2, err3); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	name := q.Get("name")
	if name == "" {
		name = "demo job"
	}
	job, err := n.engine.Manager().Add(r.Context(), demoJob(q.Get("id"), name, steps, ms, fail-1))
	switch {
	case errors.Is(err, scheduler.ErrJobExists):
		writeError(w, http.StatusConflict, err.Error())
		return
	case errors.Is(err, scheduler.ErrInvalidJob):
		writeError(w, http.StatusBadRequest, err.Error())
		return
	case errors.Is(err, scheduler.ErrNotAnnounced):
		writeError(w, http.StatusInternalServerError, "job added but not announced: "+err.Error())
		return
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	v, err := n.jobView(r.Context(), job.ID)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

func intParam(s string, def, lo, hi int, name string) (int, error) {
	if s == "" {
		return def, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		return def, fmt.Errorf("%s=%q: use a whole number from %d to %d", name, s, lo, hi)
	}
	return v, nil
}

// handleJobAction is Kylin's PUT /kylin/api/jobs/{id}/{pause|resume|cancel}
// (discard is accepted as another name for cancel). The engine that runs
// the job cancels its step: at once on this node, on others at their next
// wake or poll.
func (n *node) handleJobAction(w http.ResponseWriter, r *http.Request) {
	m, id := n.engine.Manager(), r.PathValue("id")
	var err error
	switch action := r.PathValue("action"); action {
	case "pause":
		err = m.Pause(r.Context(), id)
	case "resume":
		err = m.Resume(r.Context(), id)
	case "cancel", "discard":
		err = m.Discard(r.Context(), id)
	default:
		writeError(w, http.StatusNotFound, "unknown job action "+action+": use pause, resume or cancel")
		return
	}
	switch {
	case errors.Is(err, scheduler.ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
		return
	case errors.Is(err, scheduler.ErrIllegalTransition):
		writeError(w, http.StatusConflict, err.Error())
		return
	case err != nil && !errors.Is(err, scheduler.ErrNotAnnounced): // stored; the poll tells the others
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	n.handleGetJob(w, r)
}

func (n *node) handleListJobs(w http.ResponseWriter, r *http.Request) {
	views, err := n.jobViews(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, views)
}

func (n *node) handleGetJob(w http.ResponseWriter, r *http.Request) {
	v, err := n.jobView(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, scheduler.ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
	default:
		writeJSON(w, http.StatusOK, v)
	}
}

// jobViews reads up to maxListedJobs jobs, newest ids last. A job whose
// records cannot be read is listed with its Error; only a failure to list
// the jobs fails the call.
func (n *node) jobViews(ctx context.Context) ([]jobView, error) {
	ids, err := n.engine.Manager().List(ctx)
	if err != nil {
		return nil, err
	}
	if len(ids) > maxListedJobs {
		ids = ids[len(ids)-maxListedJobs:]
	}
	views := make([]jobView, 0, len(ids))
	for _, id := range ids {
		v, err := n.jobView(ctx, id)
		if errors.Is(err, scheduler.ErrNotFound) {
			continue // removed meanwhile
		}
		if err != nil {
			v = jobView{ID: id, Error: err.Error()}
		}
		views = append(views, v)
	}
	return views, nil
}

func (n *node) jobView(ctx context.Context, id string) (jobView, error) {
	m := n.engine.Manager()
	job, err := m.Get(ctx, id)
	if err != nil {
		return jobView{}, err
	}
	out, err := m.Output(ctx, id)
	if err != nil {
		return jobView{}, err
	}
	v := jobView{ID: job.ID, Name: job.Name, Type: job.Type, State: string(out.Status), Owner: out.Info[scheduler.InfoBuildInstance]}
	for _, s := range job.Steps {
		so, err := m.Output(ctx, s.ID)
		if err != nil {
			return jobView{}, err
		}
		v.Steps = append(v.Steps, stepView{ID: s.ID, Name: s.Name, State: string(so.Status), Content: so.Content})
	}
	return v, nil
}
