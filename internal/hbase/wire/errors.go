package wire

import (
	"errors"
	"strings"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

// A call fails in one of three ways, each its own type: the server answered
// with an exception (*RemoteError), the transport failed (*ConnError), or a
// frame could not be decoded (an error wrapping ErrMalformed). What a
// failure means for the caller (retry, relocate, reconnect, give up) is
// not decided here.

// ErrMalformed marks a frame or message that cannot be decoded.
var ErrMalformed = errors.New("hbase: malformed response")

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

// remoteError reads an exception from a response header.
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

// ConnError is a transport failure of one call or dial: the connection
// broke, could not be opened, or the call ended (ctx, timeout) before its
// answer arrived.
type ConnError struct {
	Addr string
	// Conn is the connection the call was made on; nil for a failed dial.
	Conn *Conn
	// Sent reports whether the request may have reached the server: then
	// its outcome is unknown. When false the request certainly did not leave.
	Sent bool
	// Answering reports that the connection answered other calls while this
	// one waited: the call was slow, the connection is not dead.
	Answering bool
	Err       error
}

func (e *ConnError) Error() string { return e.Addr + ": " + e.Err.Error() }
func (e *ConnError) Unwrap() error { return e.Err }

// failure is a ConnError for a call on c.
func (c *Conn) failure(sent, answering bool, err error) error {
	return &ConnError{Addr: c.addr, Conn: c, Sent: sent, Answering: answering, Err: err}
}
