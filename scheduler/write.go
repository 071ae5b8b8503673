package scheduler

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"unicode/utf8"

	"github.com/kylin-go/kylin/metastore"
)

// update is the one write path of output records: read the record, check
// the fence and Kylin's transition table, apply mutate, and write with
// compare-and-set on the timestamp read. A lost compare-and-set starts over
// from the read, so every check runs against what is actually replaced.
func (m *Manager) update(ctx context.Context, id string, f *Fence, to State, mutate func(*outputPO)) error {
	return m.updateFrom(ctx, id, nil, f, to, mutate)
}

// updateFrom is update whose first attempt starts from pre, a record read
// earlier, instead of reading it again; compare-and-set on pre's timestamp
// makes that as safe as a fresh read.
func (m *Manager) updateFrom(ctx context.Context, id string, pre *stored, f *Fence, to State, mutate func(*outputPO)) error {
	path := outputPath(id)
	for attempt := 0; attempt < maxCASAttempts; attempt++ {
		po, ts, err := m.firstOrRead(ctx, id, pre)
		pre = nil
		if err != nil {
			return err
		}
		if err := f.admit(path, po.Info, m.fencing, po.state() == StateRunning); err != nil {
			return err
		}
		if err := checkTransition(path, po.state(), to); err != nil {
			return err
		}
		if mutate != nil {
			mutate(&po) // sees the old Status
		}
		po.Status = string(to)
		po.Content = m.truncate(po.Content)
		po.LastModified = metastore.NextTimestamp(m.clock.Now(), ts)
		_, err = m.store.Put(ctx, path, encode(po), ts)
		if !errors.Is(err, metastore.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("%w: %s changed under %d attempts", ErrConflict, path, maxCASAttempts)
}

// updateStep writes a step's output after checking the fence on the job's
// own output record, where a new owner stamps its token first. The step
// record carries the fence too, so a stale writer that passed the job
// check still loses the compare-and-set once the new owner touched the
// step.
func (m *Manager) updateStep(ctx context.Context, jobID, id string, f *Fence, to State, mutate func(*outputPO)) error {
	return m.updateStepFrom(ctx, jobID, id, nil, f, to, mutate)
}

// updateStepFrom is updateStep starting from pre (see updateFrom).
func (m *Manager) updateStepFrom(ctx context.Context, jobID, id string, pre *stored, f *Fence, to State, mutate func(*outputPO)) error {
	if f != nil && m.fencing {
		po, _, err := m.readOutput(ctx, jobID)
		if err != nil {
			return err
		}
		check := *f
		if err := check.admit(outputPath(jobID), po.Info, true, po.state() == StateRunning); err != nil {
			return err
		}
	}
	return m.updateFrom(ctx, id, pre, f, to, mutate)
}

// firstOrRead returns a copy of pre when given (its info map is mutated by
// the caller), else reads the record.
func (m *Manager) firstOrRead(ctx context.Context, id string, pre *stored) (outputPO, int64, error) {
	if pre == nil {
		return m.readOutput(ctx, id)
	}
	po := pre.po
	po.Info = maps.Clone(po.Info)
	if po.Info == nil {
		po.Info = map[string]string{}
	}
	return po, pre.ts, nil
}

// truncate cuts content to kylin.job.execute-output.max-size bytes, on a
// rune boundary, keeping the head and saying how much was cut.
func (m *Manager) truncate(c *string) *string {
	if c == nil || len(*c) <= m.maxOut {
		return c
	}
	note := "\n... [truncated " + strconv.Itoa(len(*c)) + " bytes to kylin.job.execute-output.max-size]"
	keep := m.maxOut - len(note)
	if keep < 0 {
		keep, note = m.maxOut, ""
	}
	for keep > 0 && !utf8.RuneStart((*c)[keep]) {
		keep--
	}
	s := (*c)[:keep] + note
	return &s
}

func setContent(po *outputPO, s string) { po.Content = &s }

func (m *Manager) nowMillis() string { return strconv.FormatInt(m.clock.Now().UnixMilli(), 10) }

func infoInt(info map[string]string, key string) int64 {
	v, _ := strconv.ParseInt(info[key], 10, 64)
	return v
}
