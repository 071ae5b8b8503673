package scheduler

import (
	"encoding/json"
	"fmt"
)

// kylinVersion is what Kylin 3.1.3 writes in every entity's "version".
const kylinVersion = "3.1.3"

// Kylin folders for job records.
const (
	jobFolder    = "/execute"
	outputFolder = "/execute_output"
)

// executablePO is the JSON at /execute/<id> (Kylin's ExecutablePO; steps
// nest with the same shape in "tasks").
type executablePO struct {
	UUID         string            `json:"uuid"`
	LastModified int64             `json:"last_modified"`
	Version      string            `json:"version"`
	Name         string            `json:"name"`
	Tasks        []executablePO    `json:"tasks,omitempty"`
	TasksCheck   []executablePO    `json:"tasks_check,omitempty"`
	Type         string            `json:"type"`
	Params       map[string]string `json:"params"`
	Priority     *int              `json:"priority,omitempty"`
}

// outputPO is the JSON at /execute_output/<id> and <id>-NN (Kylin's
// ExecutableOutputPO).
type outputPO struct {
	UUID         string            `json:"uuid"`
	LastModified int64             `json:"last_modified"`
	Version      string            `json:"version"`
	Content      *string           `json:"content"`
	Status       string            `json:"status"`
	Info         map[string]string `json:"info"`
}

func jobPath(id string) string    { return jobFolder + "/" + id }
func outputPath(id string) string { return outputFolder + "/" + id }

// stepID is Kylin's step id: the job id, a dash and two digits.
func stepID(jobID string, i int) string { return fmt.Sprintf("%s-%02d", jobID, i) }

func decodeJob(path string, b []byte) (executablePO, error) {
	var po executablePO
	if err := json.Unmarshal(b, &po); err != nil {
		return po, fmt.Errorf("%w: %s is not an ExecutablePO JSON record: %v", ErrInvalidJob, path, err)
	}
	if po.UUID == "" {
		return po, fmt.Errorf("%w: %s has no uuid", ErrInvalidJob, path)
	}
	return po, nil
}

func decodeOutput(path string, b []byte) (outputPO, error) {
	var po outputPO
	if err := json.Unmarshal(b, &po); err != nil {
		return po, fmt.Errorf("%w: %s is not an ExecutableOutputPO JSON record: %v", ErrInvalidJob, path, err)
	}
	if _, err := ParseState(po.Status); err != nil {
		return po, fmt.Errorf("%w: %s: %v", ErrInvalidJob, path, err)
	}
	if po.Info == nil {
		po.Info = map[string]string{}
	}
	return po, nil
}

func (po outputPO) state() State {
	s, _ := ParseState(po.Status) // validated by decodeOutput
	return s
}

func (po outputPO) content() string {
	if po.Content == nil {
		return ""
	}
	return *po.Content
}

func newOutput(id string) outputPO {
	return outputPO{UUID: id, Version: kylinVersion, Status: string(StateReady), Info: map[string]string{}}
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil { // only maps of strings and plain fields: cannot fail
		panic(fmt.Sprintf("scheduler: encode %T: %v", v, err))
	}
	return b
}
