package main

import (
	"context"
	"errors"
	"sync"

	"github.com/kylin-go/kylin/metastore"
)

// copyWriters is how many goroutines write while one reads (backup and
// restore). A few hide each write's latency (a file's syscalls, an HBase
// round trip) behind the others without flooding the target. A variable
// for the tests.
var copyWriters = 8

// errWritersStopped is what send returns once a writer has failed; wait
// returns that writer's error.
var errWritersStopped = errors.New("writers stopped")

// writers copies resources on a bounded set of goroutines: the reader
// sends jobs (a resource, or a batch of them), n writers run write on
// them, and write calls done for each resource written (the calls are
// serialised). The first error stops every writer and later sends; wait
// returns it once.
type writers[T any] struct {
	ctx    context.Context
	cancel context.CancelFunc
	in     chan T
	wg     sync.WaitGroup
	write  func(ctx context.Context, job T, done func(metastore.Resource)) error
	done   func(metastore.Resource)

	mu  sync.Mutex // serialises done and guards err
	err error
}

// startWriters starts n writers; the caller must call wait.
func startWriters[T any](ctx context.Context, n int, write func(ctx context.Context, job T, done func(metastore.Resource)) error,
	done func(metastore.Resource)) *writers[T] {
	ctx, cancel := context.WithCancel(ctx)
	w := &writers[T]{ctx: ctx, cancel: cancel, in: make(chan T, n), write: write, done: done}
	w.wg.Add(n)
	for range n {
		go w.run()
	}
	return w
}

func (w *writers[T]) run() {
	defer w.wg.Done()
	for job := range w.in {
		if w.ctx.Err() != nil {
			continue // drain: a writer failed or the caller gave up
		}
		if err := w.write(w.ctx, job, w.written); err != nil {
			w.fail(err)
		}
	}
}

// written reports one resource written, one call at a time.
func (w *writers[T]) written(r metastore.Resource) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done(r)
}

// one adapts a function writing one resource to a writers job.
func one(write func(context.Context, metastore.Resource) error) func(context.Context, metastore.Resource, func(metastore.Resource)) error {
	return func(ctx context.Context, r metastore.Resource, done func(metastore.Resource)) error {
		if err := write(ctx, r); err != nil {
			return err
		}
		done(r)
		return nil
	}
}

// fail keeps the first error and stops the others.
func (w *writers[T]) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
	w.cancel()
}

// send hands job to a writer, waiting while all are busy; after a failure
// (or the end of the caller's ctx) it returns errWritersStopped or ctx's
// error.
func (w *writers[T]) send(job T) error {
	select {
	case w.in <- job:
		return nil
	case <-w.ctx.Done():
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.err != nil {
			return errWritersStopped
		}
		return w.ctx.Err()
	}
}

// wait stops accepting resources, waits for every writer to finish what it
// holds, and returns the first writer's error, if any.
func (w *writers[T]) wait() error {
	close(w.in)
	w.wg.Wait()
	w.cancel()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// copyErr is the one error of a copy: a writer's failure (the cause) over
// the reader's, which then only says the writers stopped.
func copyErr(readErr, writeErr error) error {
	if writeErr != nil {
		return writeErr
	}
	return readErr
}
