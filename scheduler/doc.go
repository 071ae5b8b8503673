// Package scheduler is Kylin 3.x's job model and a job engine with high
// availability in Kylin's three modes, fenced against deposed owners.
//
// # Job model
//
// A Job has ordered Steps. Manager stores it on any metastore.Store in
// Kylin's records, so a Kylin server sharing the metastore lists and
// shows our jobs and we see its:
//
//	/execute/<id>             ExecutablePO: uuid, last_modified, version, name, type, params, priority, tasks[...]
//	/execute_output/<id>      ExecutableOutputPO: uuid, last_modified, version, status, content, info{...}
//	/execute_output/<id>-NN   one per step, NN two digits
//
// States are Kylin's (READY, RUNNING, ERROR, STOPPED, DISCARDED, SUCCEED)
// and every write is checked against Kylin's transition table
// (CanTransition). Every state write is a compare-and-set on the record's
// timestamp; a lost compare-and-set re-reads the record and checks again.
// Manager's Add, Discard, Pause, Resume and Rollback follow Kylin's
// ExecutableManager.
//
// # Engine
//
// The host registers an Executor per job type (Engine.Register). Jobs of
// a type with no Executor are left alone, neither locked nor changed, so a
// Kylin job engine in the same cluster can run them. Steps run one at a
// time; a step's ctx is cancelled when the job is discarded or paused,
// when the engine shuts down, and when the engine loses the job's lease.
// A failed step is retried kylin.job.retry times, the delay starting at
// kylin.job.retry-interval and doubling. Step output is truncated to
// kylin.job.execute-output.max-size; the Result's Info is merged into the
// step's info map.
//
// Modes (kylin.job.scheduler.default), on any lock.Locker:
//
//   - 0: one engine holds /job_engine/global_job_engine_lock and runs every
//     job. Unlike Kylin, standbys wait on the lock and take over when the
//     holder stops or loses it.
//   - 2: every job node runs jobs, one lease per job at
//     /job_engine/lock/<jobId>. Unlock events on that folder wake every
//     engine, and a job left RUNNING with no lock is taken over; the fetch
//     pass (on every wake and every poll) finds such jobs too, should a
//     watch event be missed. kylin.cube.schedule.assigned-servers limits
//     which nodes run jobs, as in Kylin.
//   - 100: the engine elected on /job_engine/leader runs every job; the
//     others wait. On zklock the election is Kylin's own (Curator's
//     LeaderSelector queue, participant id kylin.server.host-address), so
//     Kylin and Go nodes share one leader. A deposed leader cancels its
//     steps and waits for them.
//   - 77, or a node whose kylin.server.mode cannot build (query): no engine.
//
// Start signal: a job starts when the engine is told it changed: WakeJob
// with its id (the host's listener for "execute" and "execute_output"
// broadcasts; this engine's Manager calls it on every change it makes),
// Wake (a full pass), a lock event, or the end of a run.
// kylin.job.scheduler.poll-interval-second is only the safety net.
//
// # Cost follows change
//
// The engine's work on an event is proportional to what changed, not to
// the job history in the store. A WakeJob reads that job only. The first
// pass lists the job ids and walks every output record once; after it, a
// full pass (Wake, the poll) walks only the records whose timestamps are
// inside a window that starts at the previous walk less a slack for clock
// differences (metastore.Store.Walk with a Window: every backend has it;
// memstore serves it from a timestamp index and hbasestore filters on f:t
// in the region server, so its cost follows what changed), and
// looks at the jobs that are not settled. Settled jobs (SUCCEED,
// DISCARDED, ERROR, STOPPED) are remembered with their record's timestamp
// and not read again until that record changes: a resume or rollback
// rewrites it, which its broadcast or the next window shows. A record that
// does not parse is remembered by (path, timestamp): parsed and logged once
// per version. Every per-job table is bounded. Rescan makes the next pass
// read everything again (an "all" event, a restored store). A full pass's
// walk is store I/O in a goroutine of its own: named and active passes go
// on while it reads (a filtered HBase scan can take seconds over a long
// history), and what it read is applied when it ends, except where a
// named pass read a newer version meanwhile. Full passes asked for during
// a walk merge into one more.
//
// A job or step with no output record is READY, as in Kylin; nothing is
// written for it until someone changes the job. A job whose type has no
// Executor here is listed (Manager, kylinctl) with its stored state and
// never run or changed by this engine. Kylin shows a job whose class it
// cannot load as a DISCARDED BrokenExecutable; we do not, because in a
// mixed cluster that type may be one another engine (Kylin's) runs, and
// calling a running or waiting job DISCARDED would misreport it.
//
// # Joining the cluster
//
// An engine joins the cluster through two seams: WithAnnouncer, so its
// Manager announces every job it adds or changes, and Listener, which the
// host registers on its cache-sync Handler for JobEntities, so a job
// announced anywhere (by our nodes or Kylin's) starts at once. The whole
// wiring of a node:
//
//	store, _ := metastore.Open(ctx, cfg.Metastore.URL)      // the raw store: job records are compare-and-set, never cached
//	locks, _ := zklock.New(ctx, cfg.ZooKeeper)               // one lock space for every process (not locallock)
//	members, _ := cluster.StaticFromConfig(cfg.Server)
//	bc, _ := cluster.NewBroadcaster(cfg.Broadcast, members)
//	engine, _ := scheduler.New(cfg.Job, store, locks, scheduler.WithAnnouncer(bc))
//	engine.Register("org.apache.kylin.cube.model.CubingJob", myExecutor)
//	h := cluster.NewHandler(auth.ForCacheEndpoint(cfg, store))
//	h.Register(engine.Listener(), scheduler.JobEntities...)
//	http.Handle("/kylin/api/cache/", h)
//	_ = engine.Start()
//	job, err := engine.Manager().Add(ctx, scheduler.Job{Type: "org.apache.kylin.cube.model.CubingJob", Steps: steps})
//
// Shut down in the reverse order: engine.Shutdown (its runs hand their jobs
// back), bc.Shutdown while HTTP still serves, the HTTP server, then the rest
// as the root package doc lists it (cache, locker and membership, store).
//
// # Fencing
//
// An engine claims a job by writing its Fence (lock key and lease token)
// into the job's /execute_output info map (kylinGoFenceKey,
// kylinGoFenceToken), and into each step record it starts. Every later
// write re-reads the record, fails with ErrFenced when the stored token
// for the same key is newer than its own, and writes with compare-and-set,
// so nothing changes in between. A step write also checks the job record
// first. A deposed owner's result can therefore land only on a step the
// new owner has not started yet, in which case the new owner finds the
// step done and does not run it again; it never lands on a record the new
// owner has written.
//
// Lock spaces: tokens compare only within one lock space (lock.Spacer).
// A fence also carries its space (kylinGoFenceSpace), and an engine that
// finds a job RUNNING under a claim made through another space neither
// runs it nor takes it over; it says so in an ERROR log, the
// kylin_scheduler_other_lock_space_total metric and Stats.OtherSpace. That
// is the trap of two processes each with locallock.New: their leases do
// not exclude each other. zklock reaches across processes (one space per
// ZooKeeper chroot); locallock does not (one space per New, shared by its
// forks in one process).
//
// A result that an Executor returns after its ctx was cancelled is still
// offered to the store: fencing, not timing, decides whether it counts.
// When the engine shuts down, a job it was running is written back to
// READY so another engine starts it at once; after a lost lease nothing is
// written and the next owner takes the RUNNING job over, re-running the
// interrupted step from its start (StepRun.Takeover, StepRun.Info).
package scheduler
