package hbase

import (
	"errors"
	"fmt"

	"github.com/kylin-go/kylin/internal/hbase/wire"
)

// This file is the one place where a failure is judged. The wire layer
// reports what happened (*wire.RemoteError, *wire.ConnError, ErrMalformed);
// fromWire gives those failures the client's sentinels, and classify,
// inTransition and remoteActions decide what the retry loop does next.

// Sentinels. Errors returned by the client wrap one of them, or are a
// *RemoteError, or are the caller's ctx.Err() unwrapped.
var (
	// ErrClosed is returned by calls on a closed client.
	ErrClosed = errors.New("hbase: client closed")
	// ErrUnknownOutcome means the request was sent but no answer arrived
	// (the connection broke or the attempt timed out). A write may or may
	// not have been applied; only idempotent calls are retried after it.
	ErrUnknownOutcome = errors.New("hbase: outcome unknown")
	// ErrTableNotFound means the table does not exist (no regions in
	// hbase:meta, or the master says so).
	ErrTableNotFound = errors.New("hbase: table not found")
	// ErrMalformed marks a response, znode or hbase:meta row the client
	// cannot decode.
	ErrMalformed = wire.ErrMalformed
	// errNotSent: a connection failed before the request left; always safe
	// to retry.
	errNotSent = errors.New("hbase: request not sent")
	// errRegionUnavailable: hbase:meta names no usable server for the row
	// yet (region in transition); looked up again after a backoff.
	errRegionUnavailable = errors.New("hbase: region unavailable")
)

// RemoteError is an exception the server returned for one call.
type RemoteError = wire.RemoteError

// Exception classes the client acts on (hbase-protocol.md §11).
const (
	classTableNotFound = "org.apache.hadoop.hbase.TableNotFoundException"
	classTableExists   = "org.apache.hadoop.hbase.TableExistsException"
)

// fromWire gives a failure of the wire layer the client's sentinel: a
// transport failure wraps ErrUnknownOutcome when the request may have
// reached the server and errNotSent when it cannot have; the master's
// TableNotFoundException matches ErrTableNotFound. The wire error stays in
// the chain (errors.As finds it). Every call and dial passes through here.
func fromWire(err error) error {
	if err == nil {
		return nil
	}
	var ce *wire.ConnError
	if errors.As(err, &ce) {
		if ce.Sent {
			return fmt.Errorf("%w: %w", ErrUnknownOutcome, err)
		}
		return fmt.Errorf("%w: %w", errNotSent, err)
	}
	var re *wire.RemoteError
	if errors.As(err, &re) && re.Class == classTableNotFound {
		return tableNotFound{re}
	}
	return err
}

// tableNotFound is the master's TableNotFoundException; it reads as the
// exception and matches ErrTableNotFound.
type tableNotFound struct{ *wire.RemoteError }

func (e tableNotFound) Is(target error) bool { return target == ErrTableNotFound }
func (e tableNotFound) Unwrap() error        { return e.RemoteError }

// action is what the retry loop does after a failed attempt.
type action int

const (
	actFail      action = iota // surface the error
	actRelocate                // drop the cached region, look it up again, retry
	actBackoff                 // keep the location, back off, retry
	actReconnect               // drop the connection and its regions, retry
)

var remoteActions = map[string]action{
	"org.apache.hadoop.hbase.NotServingRegionException":         actRelocate,
	"org.apache.hadoop.hbase.exceptions.RegionMovedException":   actRelocate,
	"org.apache.hadoop.hbase.regionserver.WrongRegionException": actRelocate,
	"org.apache.hadoop.hbase.exceptions.RegionOpeningException": actBackoff,
	"org.apache.hadoop.hbase.RegionTooBusyException":            actBackoff,
	"org.apache.hadoop.hbase.CallQueueTooBigException":          actBackoff,
	"org.apache.hadoop.hbase.CallDroppedException":              actBackoff,
	"org.apache.hadoop.hbase.quotas.RpcThrottlingException":     actBackoff,
	"org.apache.hadoop.hbase.RetryImmediatelyException":         actBackoff,
	"org.apache.hadoop.hbase.PleaseHoldException":               actBackoff,
	// A lost scanner is reopened after the last delivered row.
	"org.apache.hadoop.hbase.UnknownScannerException":                   actBackoff,
	"org.apache.hadoop.hbase.exceptions.ScannerResetException":          actBackoff,
	"org.apache.hadoop.hbase.exceptions.OutOfOrderScannerNextException": actBackoff,
	"org.apache.hadoop.hbase.ipc.ServerNotRunningYetException":          actReconnect,
	"org.apache.hadoop.hbase.regionserver.RegionServerStoppedException": actReconnect,
	"org.apache.hadoop.hbase.regionserver.RegionServerAbortedException": actReconnect,
	"org.apache.hadoop.hbase.exceptions.MasterStoppedException":         actReconnect,
}

// classify decides what to do after err. Connection failures reconnect,
// except a call that timed out while its connection kept answering others
// (that connection is kept); remote exceptions follow the table above; an
// unlisted remote exception is retried (relocating, as the Java client
// does) unless the server marked it do-not-retry.
func classify(err error) action {
	var re *RemoteError
	if errors.As(err, &re) {
		if a, ok := remoteActions[re.Class]; ok {
			return a
		}
		if re.DoNotRetry {
			return actFail
		}
		return actRelocate
	}
	var ce *wire.ConnError
	if errors.As(err, &ce) && ce.Answering {
		return actRelocate // the connection answers others: keep it
	}
	switch {
	case errors.Is(err, errNotSent), errors.Is(err, ErrUnknownOutcome):
		return actReconnect
	case errors.Is(err, errRegionUnavailable):
		return actRelocate
	case errors.Is(err, errNotReady):
		return actBackoff
	}
	return actFail
}

// failedConn returns the connection err was reported on, or nil (a dial,
// or no transport failure): forget drops that one connection and not a
// newer one dialled meanwhile.
func failedConn(err error) *wire.Conn {
	var ce *wire.ConnError
	if errors.As(err, &ce) {
		return ce.Conn
	}
	return nil
}

// transitionClasses are the exceptions with which a region server refuses
// a request, without applying it, because the region is not served there
// right now: it is closing for a split or move, has moved, or is opening
// (hbase-protocol.md §11). WrongRegionException refuses a request sent on a
// stale location, which a split leaves behind.
var transitionClasses = map[string]bool{
	"org.apache.hadoop.hbase.NotServingRegionException":         true,
	"org.apache.hadoop.hbase.exceptions.RegionMovedException":   true,
	"org.apache.hadoop.hbase.exceptions.RegionOpeningException": true,
	"org.apache.hadoop.hbase.regionserver.WrongRegionException": true,
}

// inTransition reports whether err says the region is in transition and
// the request was not applied: one of transitionClasses, or hbase:meta
// naming no server for the row (offline, split parent, unassigned, a hole
// while daughters are added).
func inTransition(err error) bool {
	if errors.Is(err, errRegionUnavailable) {
		return true
	}
	var re *RemoteError
	return errors.As(err, &re) && transitionClasses[re.Class]
}
