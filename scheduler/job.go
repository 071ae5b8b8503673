package scheduler

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// maxIDLength bounds a job id; Kylin's are 36-character UUIDs and its
// output digests only track ids of at most 36 characters.
const maxIDLength = 64

// Job is a chained job: ordered steps run one at a time.
type Job struct {
	// ID is the job id; Add fills a random UUID when it is empty.
	ID string
	// Name is free text shown to users.
	Name string
	// Type selects the Executor (Kylin stores a Java class name here,
	// such as "org.apache.kylin.cube.model.CubingJob"). Only an engine
	// with an Executor registered for Type touches the job.
	Type string
	// Params are the job's parameters.
	Params map[string]string
	// Priority is Kylin's optional priority (nil when unset).
	Priority *int
	// Steps run in order. A job needs at least one.
	Steps []Step
}

// Step is one step of a job. Its id is "<jobId>-NN".
type Step struct {
	ID   string
	Name string
	// Type is the step's own type, stored for Kylin (a Java class name in
	// Kylin's records) and handed to the Executor in StepRun.Step. It does
	// not choose the Executor: Job.Type does, for every step of the job.
	Type   string
	Params map[string]string
}

// Output is the stored state of a job or a step.
type Output struct {
	Status  State
	Content string
	Info    map[string]string
	// Timestamp is the record's metastore timestamp (compare-and-set).
	Timestamp int64
}

// Info keys Kylin writes, and the two of ours that carry fencing.
const (
	InfoStartTime     = "startTime"
	InfoEndTime       = "endTime"
	InfoInterruptTime = "interruptTime"
	InfoBuildInstance = "buildInstance"
	// InfoFenceKey and InfoFenceToken hold the lock key and lease token of
	// the engine that last claimed the job (ours; Kylin ignores them).
	InfoFenceKey   = "kylinGoFenceKey"
	InfoFenceToken = "kylinGoFenceToken"
	// InfoFenceSpace is the lock space of that lease (lock.SpaceOf).
	InfoFenceSpace = "kylinGoFenceSpace"
)

// ValidateID checks a job id: Kylin strips "." and "/" from ids, so we
// refuse them instead of rewriting.
func ValidateID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty job id; leave Job.ID empty to get a UUID, or set a non-empty id", ErrInvalidJob)
	case len(id) > maxIDLength:
		return fmt.Errorf("%w: job id %q is %d bytes; use at most %d", ErrInvalidJob, id, len(id), maxIDLength)
	case strings.ContainsAny(id, "./\\ \t\r\n\x00"):
		return fmt.Errorf("%w: job id %q contains '.', '/', '\\', blanks or NUL; use letters, digits, '-' and '_'", ErrInvalidJob, id)
	}
	return nil
}

func (j Job) validate() error {
	if err := ValidateID(j.ID); err != nil {
		return err
	}
	if j.Type == "" {
		return fmt.Errorf("%w: job %s has no Type; set the type its Executor is registered under", ErrInvalidJob, j.ID)
	}
	if len(j.Steps) == 0 || len(j.Steps) > 99 {
		return fmt.Errorf("%w: job %s has %d steps; use 1 to 99 (step ids have two digits)", ErrInvalidJob, j.ID, len(j.Steps))
	}
	return nil
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (j Job) toPO() executablePO {
	po := executablePO{UUID: j.ID, Version: kylinVersion, Name: j.Name, Type: j.Type,
		Params: orEmpty(j.Params), Priority: j.Priority}
	for i, s := range j.Steps {
		po.Tasks = append(po.Tasks, executablePO{UUID: stepID(j.ID, i), Version: kylinVersion,
			Name: s.Name, Type: s.Type, Params: orEmpty(s.Params)})
	}
	return po
}

func jobFromPO(po executablePO) Job {
	j := Job{ID: po.UUID, Name: po.Name, Type: po.Type, Params: po.Params, Priority: po.Priority}
	for i, t := range po.Tasks {
		id := t.UUID
		if id == "" {
			id = stepID(po.UUID, i)
		}
		j.Steps = append(j.Steps, Step{ID: id, Name: t.Name, Type: t.Type, Params: t.Params})
	}
	return j
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func (po outputPO) toOutput(ts int64) Output {
	info := make(map[string]string, len(po.Info))
	for k, v := range po.Info {
		info[k] = v
	}
	return Output{Status: po.state(), Content: po.content(), Info: info, Timestamp: ts}
}

func (j Job) hasStep(id string) bool {
	for _, s := range j.Steps {
		if s.ID == id {
			return true
		}
	}
	return false
}
