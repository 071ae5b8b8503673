package scheduler

import (
	"errors"
	"testing"
)

// FuzzDecodeOutput: any bytes give an output record or ErrInvalidJob,
// never a panic; what decodes re-encodes and decodes to the same state.
func FuzzDecodeOutput(f *testing.F) {
	f.Add([]byte(`{"uuid":"j-00","last_modified":0,"version":"3.1.3","content":null,"status":"READY","info":{}}`))
	f.Add([]byte(`{"status":"RUNNING","info":{"startTime":"1","kylinGoFenceKey":"/job_engine/lock/j","kylinGoFenceToken":"7"}}`))
	f.Add([]byte(`{"status":"PAUSED"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		po, err := decodeOutput("/execute_output/f", b)
		if err != nil {
			if !errors.Is(err, ErrInvalidJob) {
				t.Fatalf("error %v does not wrap ErrInvalidJob", err)
			}
			return
		}
		again, err := decodeOutput("/execute_output/f", encode(po))
		if err != nil || again.state() != po.state() || len(again.Info) != len(po.Info) {
			t.Fatalf("round trip: %+v -> %+v, %v", po, again, err)
		}
		f := Fence{Key: "/k", Token: 3}
		_ = f.admit("/execute_output/f", po.Info, true, true)
	})
}

// FuzzDecodeJob: any bytes give a job record or ErrInvalidJob.
func FuzzDecodeJob(f *testing.F) {
	f.Add([]byte(`{"uuid":"j","name":"n","type":"T","params":{},"tasks":[{"uuid":"j-00","type":"S","params":{}}]}`))
	f.Add([]byte(`{"uuid":"j","tasks":[{}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		po, err := decodeJob("/execute/f", b)
		if err != nil {
			if !errors.Is(err, ErrInvalidJob) {
				t.Fatalf("error %v does not wrap ErrInvalidJob", err)
			}
			return
		}
		j := jobFromPO(po)
		if j.ID != po.UUID || len(j.Steps) != len(po.Tasks) {
			t.Fatalf("jobFromPO(%+v) = %+v", po, j)
		}
		for _, s := range j.Steps {
			if s.ID == "" {
				t.Fatalf("a step without id: %+v", j)
			}
		}
	})
}

// FuzzValidateID: ids that pass are safe as one metastore path segment.
func FuzzValidateID(f *testing.F) {
	for _, s := range []string{"j1", "a/b", "..", "0d6b3f52-5e2c-4b4e-9a0e-1f2d3c4b5a69", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if ValidateID(id) != nil {
			return
		}
		for _, c := range []byte(id) {
			if c == '/' || c == '.' || c == 0 {
				t.Fatalf("ValidateID accepted %q", id)
			}
		}
	})
}
