package metastoretest

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/metastore"
)

// recorder is a tb that records failures instead of failing the real test,
// so a check can be run against a store that is meant to fail it.
type recorder struct {
	mu     sync.Mutex
	failed bool
	msgs   []string
}

func (r *recorder) Helper()             {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// Fatalf ends the check's goroutine, as testing.T.FailNow does.
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// runRecorded runs the named check against s and returns what it reported.
func runRecorded(t *testing.T, name string, s metastore.Store, caps Capabilities) *recorder {
	t.Helper()
	i := slices.IndexFunc(checks, func(c check) bool { return c.name == name })
	if i < 0 {
		t.Fatalf("no check named %q", name)
	}
	rec := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		checks[i].fn(newEnv(rec, s, caps, "/negative/"+name))
	}()
	<-done
	return rec
}
