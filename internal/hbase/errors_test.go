package hbase

import (
	"context"
	"errors"
	"testing"

	"github.com/kylin-go/kylin/internal/hbase/wire"
)

// Every failure the wire layer reports is judged here, through fromWire
// and classify: the sentinel it matches, its wording, and the action.
func TestWireFailuresJudged(t *testing.T) {
	cn := &wire.Conn{}
	lost := errors.New("Get: connection lost")
	cases := []struct {
		name     string
		err      error
		is, isnt error
		want     action
		wording  string
	}{
		{"sent", &wire.ConnError{Addr: "h:1", Conn: cn, Sent: true, Err: lost},
			ErrUnknownOutcome, errNotSent, actReconnect, "hbase: outcome unknown: h:1: Get: connection lost"},
		{"not sent", &wire.ConnError{Addr: "h:1", Conn: cn, Err: lost},
			errNotSent, ErrUnknownOutcome, actReconnect, "hbase: request not sent: h:1: Get: connection lost"},
		{"slow on a live connection", &wire.ConnError{Addr: "h:1", Conn: cn, Sent: true, Answering: true, Err: lost},
			ErrUnknownOutcome, errNotSent, actRelocate, "hbase: outcome unknown: h:1: Get: connection lost"},
		{"dial", &wire.ConnError{Addr: "h:1", Err: context.DeadlineExceeded},
			errNotSent, ErrUnknownOutcome, actReconnect, "hbase: request not sent: h:1: context deadline exceeded"},
		{"not serving", &wire.RemoteError{Class: classNSRE, Message: "r is not online"},
			nil, ErrTableNotFound, actRelocate, "hbase: remote " + classNSRE + ": r is not online"},
		{"busy", &wire.RemoteError{Class: classBusy}, nil, ErrTableNotFound, actBackoff, "hbase: remote " + classBusy},
		{"table not found", &wire.RemoteError{Class: classTableNotFound, DoNotRetry: true, Message: "t"},
			ErrTableNotFound, ErrUnknownOutcome, actFail, "hbase: remote " + classTableNotFound + ": t"},
		{"unlisted, retryable", &wire.RemoteError{Class: "java.io.IOException"}, nil, nil, actRelocate, ""},
		{"unlisted, do not retry", &wire.RemoteError{Class: "java.io.IOException", DoNotRetry: true}, nil, nil, actFail, ""},
		{"malformed", wire.ErrMalformed, ErrMalformed, ErrUnknownOutcome, actFail, "hbase: malformed response"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := fromWire(c.err)
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("%v does not match %v", err, c.is)
			}
			if c.isnt != nil && errors.Is(err, c.isnt) {
				t.Errorf("%v matches %v", err, c.isnt)
			}
			if !errors.Is(err, c.err) {
				t.Errorf("%v lost the wire error from its chain", err)
			}
			if c.wording != "" && err.Error() != c.wording {
				t.Errorf("wording %q; want %q", err, c.wording)
			}
			if got := classify(err); got != c.want {
				t.Errorf("classify = %d; want %d", got, c.want)
			}
		})
	}
	if fromWire(nil) != nil {
		t.Error("fromWire(nil) is not nil")
	}
}

// forget drops only the connection a failure was reported on; a dial
// failure names none.
func TestFailedConn(t *testing.T) {
	cn := &wire.Conn{}
	if got := failedConn(fromWire(&wire.ConnError{Conn: cn, Err: errors.New("x")})); got != cn {
		t.Errorf("failedConn = %p; want %p", got, cn)
	}
	if got := failedConn(fromWire(&wire.ConnError{Err: errors.New("dial")})); got != nil {
		t.Errorf("failedConn of a dial = %p; want nil", got)
	}
	if got := failedConn(&wire.RemoteError{Class: classNSRE}); got != nil {
		t.Errorf("failedConn of a remote error = %p; want nil", got)
	}
}
