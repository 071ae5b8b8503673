package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/kylin-go/kylin/clock"
	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
)

// Manager is Kylin's ExecutableManager on a metastore.Store: it adds jobs,
// reads them, and changes their state (discard, pause, resume, rollback).
// Every state write is a compare-and-set checked against Kylin's
// transition table; a lost compare-and-set re-reads and checks again.
//
// Manager is safe for concurrent use and starts no goroutines.
type Manager struct {
	store   metastore.Store
	maxOut  int
	clock   clock.Clock
	fencing bool
	ann     Announcer
	changed func(id string, j *Job) // called after a write (Engine.changed); j is a new job
}

// maxCASAttempts bounds a read-check-write loop that keeps losing its
// compare-and-set to other writers.
const maxCASAttempts = 16

// NewManager returns a Manager over store. cfg supplies
// ExecuteOutputMaxSize (zero takes config's default, Kylin's 10 MiB); of
// the options only WithEnv's clock and WithAnnouncer apply.
func NewManager(cfg config.Job, store metastore.Store, opts ...Option) *Manager {
	return newManager(cfg, store, collect(opts))
}

func newManager(cfg config.Job, store metastore.Store, o options) *Manager {
	return &Manager{store: store, maxOut: cfg.WithDefaults().ExecuteOutputMaxSize, clock: o.clock, fencing: o.fencing, ann: o.announcer}
}

// Add stores a new job: an output record (READY) for the job and each step,
// then the job record, as Kylin's addJob does. An empty ID gets a UUID;
// the stored job is returned with its step ids filled in. With an
// Announcer the new job is announced (an error wrapping ErrNotAnnounced
// means it is stored but not announced).
func (m *Manager) Add(ctx context.Context, j Job) (Job, error) {
	generated := j.ID == ""
	if generated {
		j.ID = newUUID()
	}
	if err := j.validate(); err != nil {
		return j, err
	}
	// A caller's id may be taken; a fresh random UUID is not (the job
	// record's compare-and-set below still refuses one that is).
	if !generated {
		if ok, err := m.store.Exists(ctx, jobPath(j.ID)); err != nil || ok {
			return j, existsErr(j.ID, ok, err)
		}
	}
	po := j.toPO()
	ids := []string{j.ID}
	for i := range po.Tasks {
		j.Steps[i].ID = po.Tasks[i].UUID
		ids = append(ids, po.Tasks[i].UUID)
	}
	for _, id := range ids {
		if err := m.freshOutput(ctx, j.ID, id); err != nil {
			return j, err
		}
	}
	if _, err := m.store.Put(ctx, jobPath(j.ID), encode(po), 0); err != nil {
		return j, existsErr(j.ID, errors.Is(err, metastore.ErrConflict), err)
	}
	m.notify(j.ID, &j)
	return j, m.announce(ctx, j.ID, cluster.EventCreate)
}

func existsErr(id string, exists bool, err error) error {
	if exists {
		return fmt.Errorf("%w: %s; pick another id", ErrJobExists, id)
	}
	return err
}

// freshOutput writes a new READY output record for id (the job jobID or
// one of its steps). What is already stored there is replaced only if it is
// pristine, as newOutput writes it: left by an Add that failed before its
// job record was written, or written by a concurrent Add of the same id
// that has not won yet. An output with any progress, a fence token or
// content belongs to a job that exists (or existed) and is never touched:
// an Add that raced a winning Add of the same id must not reset the
// winner's outputs after the scheduler took the job.
func (m *Manager) freshOutput(ctx context.Context, jobID, id string) error {
	path := outputPath(id)
	content := encode(newOutput(id))
	// Nothing is stored there in the common case: write first, read only
	// when something is.
	_, err := m.store.Put(ctx, path, content, 0)
	for attempt := 0; attempt < maxCASAttempts; attempt++ {
		if !errors.Is(err, metastore.ErrConflict) {
			return err
		}
		old := int64(0)
		r, gerr := m.store.Get(ctx, path)
		switch {
		case gerr == nil:
			if po, derr := decodeOutput(path, r.Content); derr != nil || !pristine(po) {
				return existsErr(jobID, true, nil)
			}
			old = r.Timestamp
		case !errors.Is(gerr, metastore.ErrNotFound):
			return gerr
		}
		_, err = m.store.Put(ctx, path, content, old)
	}
	return fmt.Errorf("%w: %s changed under %d attempts", ErrConflict, path, maxCASAttempts)
}

// pristine reports whether po is an output record as newOutput makes it.
func pristine(po outputPO) bool {
	return po.Status == string(StateReady) && len(po.Info) == 0 && po.Content == nil && po.LastModified == 0
}

// Get reads a job's definition.
func (m *Manager) Get(ctx context.Context, id string) (Job, error) {
	if err := ValidateID(id); err != nil {
		return Job{}, err
	}
	r, err := m.store.Get(ctx, jobPath(id))
	if errors.Is(err, metastore.ErrNotFound) {
		return Job{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return Job{}, err
	}
	po, err := decodeJob(r.Path, r.Content)
	if err != nil {
		return Job{}, err
	}
	return jobFromPO(po), nil
}

// Output reads the stored state of a job or a step (id "<jobId>-NN"). A
// job or step with no output record is READY, as Kylin reads it
// (ExecutableDao.getJobOutput); nothing is written until someone changes
// it. An id that is neither a stored job nor a step of one gets
// ErrNotFound.
func (m *Manager) Output(ctx context.Context, id string) (Output, error) {
	po, ts, err := m.readOutput(ctx, id)
	if err != nil {
		return Output{}, err
	}
	return po.toOutput(ts), nil
}

func (m *Manager) readOutput(ctx context.Context, id string) (outputPO, int64, error) {
	if err := ValidateID(id); err != nil {
		return outputPO{}, 0, err
	}
	path := outputPath(id)
	r, err := m.store.Get(ctx, path)
	if errors.Is(err, metastore.ErrNotFound) {
		return m.missingOutput(ctx, id)
	}
	if err != nil {
		return outputPO{}, 0, err
	}
	po, err := decodeOutput(path, r.Content)
	return po, r.Timestamp, err
}

// missingOutput is a READY record for a job or step that has none, and
// ErrNotFound for an id that is neither (a deleted job, a typo).
func (m *Manager) missingOutput(ctx context.Context, id string) (outputPO, int64, error) {
	if _, err := m.Get(ctx, id); err != nil {
		job, isStep := stepOf(id)
		if !isStep {
			return outputPO{}, 0, err
		}
		j, err := m.Get(ctx, job)
		if err != nil || !j.hasStep(id) {
			return outputPO{}, 0, fmt.Errorf("%w: no job or step %s", ErrNotFound, id)
		}
	}
	return newOutput(id), 0, nil
}

// List returns the ids of every stored job, sorted.
func (m *Manager) List(ctx context.Context) ([]string, error) {
	paths, err := m.store.List(ctx, jobFolder)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(paths))
	for _, p := range paths {
		ids = append(ids, strings.TrimPrefix(p, jobFolder+"/"))
	}
	sort.Strings(ids)
	return ids, nil
}

func (m *Manager) notify(id string, j *Job) {
	if m.changed != nil {
		m.changed(id, j)
	}
}
