package hbase

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

// Sentinels. Errors returned by the client wrap one of them, or are a
// *RemoteError, or are the caller's ctx.Err() unwrapped.
var (
	// ErrClosed is returned after the client was closed.
	ErrClosed = errors.New("hbase: client closed")
	// ErrUnknownOutcome is returned when the request was sent but no answer
	// arrived (the connection broke or the attempt timed out). A write may or may not
	// have been applied; only idempotent calls are retried after it.
	ErrUnknownOutcome = errors.New("hbase: outcome unknown")
	// ErrTableNotFound is returned when the table does not exist (no regions
	// in hbase:meta, or the master says so).
	ErrTableNotFound = errors.New("hbase: table not found")
	// errNotSent: a connection failed before the request left; always safe
	// to retry.
	errNotSent = errors.New("hbase: request not sent")
	// errRegionUnavailable: hbase:meta names no usable server for the row
	// yet (region in transition); looked up again after a backoff.
	errRegionUnavailable = errors.New("hbase: region unavailable")
)

// RemoteError is an exception the server returned for one call.
type RemoteError struct {
	Class      string // fully qualified Java class name
	Message    string // first line of the server's message
	DoNotRetry bool
	Host       string // RegionMovedException: the new location
	Port       int32
}

func (e *RemoteError) Error() string {
	if e.Message == "" {
		return "hbase: remote " + e.Class
	}
	return "hbase: remote " + e.Class + ": " + e.Message
}

// Is lets errors.Is(err, ErrTableNotFound) match the master's exception.
func (e *RemoteError) Is(target error) bool {
	return target == ErrTableNotFound && e.Class == classTableNotFound
}

func remoteError(x *pb.ExceptionResponse) *RemoteError {
	msg := x.GetStackTrace()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimPrefix(msg, x.GetExceptionClassName()+": ")
	return &RemoteError{
		Class:      x.GetExceptionClassName(),
		Message:    strings.TrimSpace(msg),
		DoNotRetry: x.GetDoNotRetry(),
		Host:       x.GetHostname(),
		Port:       x.GetPort(),
	}
}

// Exception classes the client acts on (hbase-protocol.md §11).
const (
	classTableNotFound = "org.apache.hadoop.hbase.TableNotFoundException"
	classTableExists   = "org.apache.hadoop.hbase.TableExistsException"
)

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

// classify decides what to do after err. Connection failures reconnect;
// remote exceptions follow the table above; an unlisted remote exception
// is retried (relocating, as the Java client does) unless the server
// marked it do-not-retry.
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
	var cf *connFailure
	if errors.As(err, &cf) && cf.slow {
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

// connError wraps a transport failure with whether the request had left.
func connError(addr string, sent bool, err error) error {
	if sent {
		return fmt.Errorf("%w: %s: %v", ErrUnknownOutcome, addr, err)
	}
	return fmt.Errorf("%w: %s: %v", errNotSent, addr, err)
}

// connFailure is a transport failure of one call on one connection. It
// names the connection so that forget drops that one and not a newer one
// dialled meanwhile. slow marks a call that timed out while the connection
// kept answering other calls: the connection is kept.
type connFailure struct {
	cn   *conn
	slow bool
	err  error
}

func (e *connFailure) Error() string { return e.err.Error() }
func (e *connFailure) Unwrap() error { return e.err }

// failure is connError for a call on c.
func (c *conn) failure(sent, slow bool, err error) error {
	return &connFailure{cn: c, slow: slow, err: connError(c.addr, sent, err)}
}
