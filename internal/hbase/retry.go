package hbase

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire"
)

// callbackError carries an error returned by the caller's callback (Scan):
// it ends the call at once and is returned as is.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

// progressedError is a failure after a scan attempt delivered rows: the
// scan resumes past its last row with a fresh operation budget, since
// Config.OperationTimeout bounds the time without progress, not the time a
// caller's callback takes over a long region.
type progressedError struct{ err error }

func (e progressedError) Error() string { return e.err.Error() }
func (e progressedError) Unwrap() error { return e.err }

// do runs fn against the region holding row() until it succeeds, fails for
// good, runs out of retries, or ctx ends. row is re-read before every
// attempt (a scan resumes after its last row). When idempotent is false, an
// attempt whose outcome is unknown is not repeated: its error wraps
// ErrUnknownOutcome. The caller's ctx.Err() is returned unwrapped.
//
// Failures that say the region is in transition (inTransition) are retried
// past Config.Retries while less than Config.RegionWait has passed since the
// first of them in this call (see backoff).
func (c *Client) do(ctx context.Context, table string, row func() []byte, idempotent bool,
	fn func(ctx context.Context, cn *wire.Conn, r *region) error) error {
	opCtx, cancel := context.WithTimeout(ctx, c.cfg.OperationTimeout)
	defer cancel()
	b := backoff{pause: c.cfg.Pause, retries: c.cfg.Retries, regionWait: c.cfg.RegionWait}
	for attempt := 1; ; attempt++ {
		r, err := c.attempt(opCtx, table, row(), fn)
		if err == nil {
			return nil
		}
		if ce, ok := err.(callbackError); ok {
			return ce.err
		}
		if expired(ctx) {
			<-ctx.Done() // its deadline passed: at most a moment away
			return ctx.Err()
		}
		if pe, ok := err.(progressedError); ok {
			act := classify(pe.err)
			c.forget(r, pe.err, act)
			if act == actFail {
				return pe.err
			}
			return pe // the caller starts again where it stopped
		}
		act := classify(err)
		c.forget(r, err, act)
		retry, why := b.next(err, time.Now())
		if expired(opCtx) { // whatever failed, the operation timeout ended it
			return fmt.Errorf("hbase: %s: gave up after %d attempts%s: %w", table, attempt, b.opTimeout(c.cfg.OperationTimeout), err)
		}
		if act == actFail || (!idempotent && errors.Is(err, ErrUnknownOutcome)) {
			return err
		}
		if !retry {
			return fmt.Errorf("hbase: %s: gave up after %d attempts%s: %w", table, attempt, why, err)
		}
		c.metrics.retry(act)
		if inTransition(err) {
			c.metrics.transition(b.counted > b.retries)
		}
		if !sleep(opCtx, jitter(min(b.pause, b.cap(err, c.cfg.MaxPause)))) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("hbase: %s: gave up after %d attempts%s: %w", table, attempt, b.opTimeout(c.cfg.OperationTimeout), err)
		}
		b.pause = min(2*b.pause, c.cfg.MaxPause)
	}
}

// attempt locates the region, connects and runs fn once.
func (c *Client) attempt(ctx context.Context, table string, row []byte,
	fn func(ctx context.Context, cn *wire.Conn, r *region) error) (*region, error) {
	if err := c.checkOpen(); err != nil {
		return nil, err
	}
	r, err := c.locate(ctx, table, row)
	if err != nil {
		return nil, err
	}
	service := wire.ClientService
	if table == masterRoute {
		service = wire.MasterService
	}
	cn, err := c.dialServer(ctx, r.Addr, service)
	if err != nil {
		return r, err
	}
	return r, fn(ctx, cn, r)
}

// forget drops what the failure says is stale.
func (c *Client) forget(r *region, err error, act action) {
	if r == nil {
		return
	}
	switch act {
	case actRelocate:
		switch r.Table {
		case metaTable:
			c.clearMeta(r.Addr)
		case masterRoute:
			c.clearMaster(r.Addr)
		}
		c.regions.remove(r)
	case actReconnect:
		c.dropServer(r.Addr, failedConn(err)) // that connection, not one dialled since
	}
}

func (c *Client) checkOpen() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	return nil
}

func regionSpec(name []byte) *pb.RegionSpecifier {
	return &pb.RegionSpecifier{Type: pb.RegionSpecifier_REGION_NAME.Enum(), Value: name}
}

// jitter spreads a pause over [d/2, d] so that clients retrying together
// do not stay in step.
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// expired reports whether ctx ended or its deadline passed: a connection's
// I/O deadline can fire a moment before ctx's own timer.
func expired(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// sleep waits d or until ctx ends; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
