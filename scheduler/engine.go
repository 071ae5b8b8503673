package scheduler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/metastore"
)

// Kylin's lock keys, under the Locker's chroot.
const (
	GlobalLockKey = "/job_engine/global_job_engine_lock" // mode 0
	JobLockPrefix = "/job_engine/lock"                   // mode 2: JobLockPrefix + "/" + jobId
	LeaderKey     = "/job_engine/leader"                 // mode 100
)

// Scheduler numbers of kylin.job.scheduler.default.
const (
	SchedulerDefault     = 0
	SchedulerDistributed = 2
	SchedulerNoop        = 77
	SchedulerLeader      = 100
)

// writeTimeout bounds a state write made after the run's ctx ended (a
// result that arrived late, a requeue on shutdown).
const writeTimeout = 30 * time.Second

// Causes of a run's cancellation.
var (
	errShutdown   = errors.New("scheduler: engine shutting down")
	errJobChanged = errors.New("scheduler: job discarded, paused or taken over")
)

// Engine runs jobs whose type has a registered Executor, in the mode of
// kylin.job.scheduler.default. Create it with New, register executors,
// Start it, and Shutdown (or Close) it when done.
type Engine struct {
	cfg     config.Job
	locks   lock.Locker
	space   string // the Locker's lock-space identity, written into fences
	o       options
	mgr     *Manager
	log     *zap.Logger
	met     *metrics
	mode    int
	runs    bool // this node runs an engine at all
	hosts   map[string]bool
	wakeC   chan struct{}   // a full pass: Wake, the poll, activation
	nudgeC  chan struct{}   // an active pass: run ends, lock resyncs
	namedC  chan struct{}   // a named pass: WakeJob
	ctx     context.Context // cancelled by Shutdown after runs have ended
	cancel  context.CancelFunc
	wg      sync.WaitGroup // loop goroutines
	runWG   sync.WaitGroup // job runs
	stopped chan struct{}  // closed when runs and goroutines have ended after Shutdown

	mu            sync.Mutex
	namedOverflow bool // more jobs were named than named holds
	executors     map[string]Executor
	table         *jobTable       // what the engine remembers of each job
	bad           badRecords      // unparsable records by (path, timestamp)
	spaced        badRecords      // records claimed through another lock space, by (path, timestamp)
	named         map[string]bool // jobs named since the last pass; true: changed in a way unknown here (stale)
	scanned       bool            // a full pass has read every job once
	scanGen       uint64          // counts Rescans: a walk begun before one does not set scanned
	lastWalk      time.Time       // when the last full pass's walk started
	running       map[string]*run
	active        *activation
	started       bool
	closed        bool
	stats         Stats
}

// New returns an Engine for cfg over store and locks. Zero fields of cfg
// take config.Default()'s values; cfg is not modified. A node whose
// ServerMode cannot build (query) and scheduler 77 get an Engine that
// never runs a job; its Manager still works.
func New(cfg config.Job, store metastore.Store, locks lock.Locker, opts ...Option) (*Engine, error) {
	cfg, err := normalize(cfg)
	if err != nil {
		return nil, err
	}
	if store == nil || locks == nil {
		return nil, fmt.Errorf("scheduler: New needs a metastore.Store and a lock.Locker (got nil)")
	}
	mode, err := cluster.ParseMode(cfg.ServerMode)
	if err != nil {
		return nil, err
	}
	o := collect(opts)
	if o.owner == "" {
		o.owner = lock.DefaultOwner()
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Engine{cfg: cfg, locks: locks, space: lock.SpaceOf(locks), o: o, mgr: newManager(cfg, store, o), log: o.log,
		met: newMetrics(o.reg), mode: cfg.Scheduler, hosts: hostNames(cfg.HostAddress),
		runs: mode.CanBuild() && cfg.Scheduler != SchedulerNoop, wakeC: make(chan struct{}, 1), nudgeC: make(chan struct{}, 1),
		namedC: make(chan struct{}, 1), ctx: ctx, cancel: cancel, executors: map[string]Executor{},
		table: newJobTable(o.maxJobs), bad: badRecords{}, spaced: badRecords{}, named: map[string]bool{}, running: map[string]*run{}, stopped: make(chan struct{})}
	e.mgr.changed = e.changed
	if o.noSpace {
		e.space = ""
	}
	return e, nil
}

// normalize reads cfg after config's defaults and checks: zero fields take
// config.Default().Job's values, a RetryInterval of config.None retries at
// once.
func normalize(cfg config.Job) (config.Job, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return cfg, err // names the key
	}
	cfg.RetryInterval = config.Count(cfg.RetryInterval)
	cfg.MetadataPersistRetry = config.Count(cfg.MetadataPersistRetry)
	return cfg, nil
}

func hostNames(addr string) map[string]bool {
	hosts := map[string]bool{}
	if h, _, err := net.SplitHostPort(addr); err == nil {
		hosts[h] = true
	} else {
		hosts[addr] = true
	}
	if h, err := os.Hostname(); err == nil {
		hosts[h] = true
	}
	return hosts
}

// Manager returns the engine's job manager. Its admin operations wake the
// engine, so a discard or pause on this node cancels the step at once.
func (e *Engine) Manager() *Manager { return e.mgr }

// Register sets the Executor for jobType, replacing any earlier one, and
// wakes a started engine (before Start, its first pass looks at every
// job). Jobs of a type with no Executor are never touched.
func (e *Engine) Register(jobType string, ex Executor) {
	e.mu.Lock()
	e.executors[jobType] = ex
	started := e.started
	e.mu.Unlock()
	if started {
		e.Wake()
	}
}

// Wake makes the engine do a full pass now instead of at the next poll:
// it reads the job records changed since the last full pass and looks at
// every job that is not settled. Jobs settled (SUCCEED, DISCARDED, ERROR,
// STOPPED, unparsable) are not read again while their records are
// unchanged. It never blocks; wakes that arrive during a pass merge into
// one more pass. When the host knows which job changed, WakeJob is
// cheaper.
func (e *Engine) Wake() { signal(e.wakeC) }

// WakeJob makes the engine look at one job now: its records are read
// again and it starts if it is runnable here. The host's broadcast
// listener for "execute" and "execute_output" events calls it with the
// event's key (the listener Engine.Listener returns does). It never blocks; a burst of more
// distinct ids than the engine queues becomes one full pass.
func (e *Engine) WakeJob(id string) { e.wakeNamed(id, true) }

// wakeNamed queues id for a named pass. stale: the job's record changed in
// a way this engine does not know, so the pass that takes id does not trust
// a state a walk left fresh (see takeNamed).
func (e *Engine) wakeNamed(id string, stale bool) {
	if ValidateID(id) == nil {
		e.mu.Lock()
		if len(e.named) < maxPendingIDs {
			e.named[id] = e.named[id] || stale
		} else {
			e.namedOverflow = true
		}
		e.mu.Unlock()
	}
	signal(e.namedC)
}

// Rescan makes the next pass read every job record again, as the first
// pass does: for an "all" event, or after the store was restored from a
// backup (restored records keep their old timestamps, which a full pass's
// window of changed records would not see).
func (e *Engine) Rescan() {
	e.mu.Lock()
	e.scanned = false
	e.scanGen++
	e.mu.Unlock()
	e.Wake()
}

// changed is the Manager's hook: a job this node's Manager added or
// changed. A new job's definition is handed over, so it is not read back.
func (e *Engine) changed(id string, j *Job) {
	if j != nil {
		e.mu.Lock()
		if m := e.table.get(id); m != nil {
			// Just stored READY by this Manager: no need to read it back
			// before locking (the read under the lock, or the claim's
			// compare-and-set, still checks it).
			cp := *j
			m.job, m.state, m.bad, m.fresh = &cp, StateReady, false, true
			e.table.touch(id)
		}
		e.mu.Unlock()
		e.wakeNamed(id, false)
		return
	}
	e.WakeJob(id)
}

// unfresh drops the fresh mark of id, and of its job when id names a step
// (an execute_output event's key), so jobState reads the record; e.mu held.
func (e *Engine) unfresh(id string) {
	if m := e.table.peek(id); m != nil {
		m.fresh = false
	}
	if job, isStep := stepOf(id); isStep {
		if m := e.table.peek(job); m != nil {
			m.fresh = false
		}
	}
}

// nudge asks for an active pass: what a run's end or a lock resync can
// make runnable, among the jobs already remembered.
func (e *Engine) nudge() { signal(e.nudgeC) }

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Start starts the engine's goroutines. On a query node or with scheduler
// 77 it does nothing. Start after Close returns ErrClosed; a second Start
// does nothing.
func (e *Engine) Start() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if e.started || !e.runs {
		e.started = true
		return nil
	}
	e.started = true
	switch e.mode {
	case SchedulerDistributed:
		e.go1(e.watchJobLocks)
	case SchedulerDefault:
		e.go1(func() { e.lead(GlobalLockKey) })
	case SchedulerLeader:
		e.go1(func() { e.lead(LeaderKey) })
	}
	e.go1(e.loop)
	return nil
}

func (e *Engine) go1(f func()) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		f()
	}()
}

// CloseTimeout bounds Close: how long it waits for running steps to return
// after cancelling them.
const CloseTimeout = 30 * time.Second

// Shutdown stops the engine: no job starts any more, running steps are
// cancelled and waited for until ctx ends, a job interrupted by the
// shutdown is written back to READY (so another engine starts it at once),
// leases are released and goroutines stopped. When ctx ends first, the
// error names the jobs still running and wraps ctx.Err(); their runs end
// (and the engine's goroutines stop) in the background when their executors
// return, and a later Shutdown waits for them again. The store and the
// Locker are the caller's to close, after the Engine.
func (e *Engine) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	if !e.closed {
		e.closed = true
		for _, r := range e.running {
			r.cancel(errShutdown)
		}
		go func() {
			e.runWG.Wait()
			e.cancel()
			e.wg.Wait()
			close(e.stopped)
		}()
	}
	e.mu.Unlock()
	select {
	case <-e.stopped:
		return nil
	case <-ctx.Done():
	}
	select {
	case <-e.stopped: // both ready: the engine did stop
		return nil
	default:
	}
	return e.stillRunning(ctx.Err())
}

// stillRunning names the jobs a Shutdown cut short by err was waiting for.
func (e *Engine) stillRunning(err error) error {
	e.mu.Lock()
	ids := make([]string, 0, len(e.running))
	for id := range e.running {
		ids = append(ids, id)
	}
	e.mu.Unlock()
	if len(ids) == 0 {
		return fmt.Errorf("scheduler: shutdown: engine goroutines still stopping: %w", err)
	}
	slices.Sort(ids)
	return fmt.Errorf("scheduler: shutdown: %s still running (%s): %w", countJobs(len(ids)), strings.Join(ids, ", "), err)
}

// Close is Shutdown bounded by CloseTimeout. It is idempotent.
func (e *Engine) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), CloseTimeout)
	defer cancel()
	return e.Shutdown(ctx)
}

var _ io.Closer = (*Engine)(nil)

// Stats are counters of what this engine did.
type Stats struct {
	Started    int64 // jobs claimed, takeovers included
	Takeovers  int64 // jobs claimed while RUNNING under an owner whose lease ended
	Steps      int64 // step executions, retries included
	Retries    int64 // step retries
	Failed     int64 // steps that ended in ERROR
	Fenced     int64 // writes refused with ErrFenced
	OtherSpace int64 // refusals of jobs claimed through another lock space (per record version)
	Requeued   int64 // jobs written back to READY on shutdown
	Passes     int64 // fetch passes
	Reads      int64 // job records read by fetch passes (gets and walked records)
	BadRecords int64 // distinct versions of job records that did not parse
	Active     bool  // may start jobs now (holds the engine lock in modes 0 and 100)
	Running    int   // jobs running now
}

// Stats returns a snapshot of the counters.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.stats
	s.Running = len(e.running)
	s.Active = e.runs && e.started && !e.closed && (e.mode == SchedulerDistributed || e.active != nil)
	return s
}

func (e *Engine) count(f func(*Stats)) {
	e.mu.Lock()
	f(&e.stats)
	e.mu.Unlock()
}

// countJobs words n jobs for a message: "1 job", "3 jobs".
func countJobs(n int) string {
	if n == 1 {
		return "1 job"
	}
	return fmt.Sprintf("%d jobs", n)
}
