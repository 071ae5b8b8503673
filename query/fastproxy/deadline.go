package fastproxy

import (
	"net"
	"time"

	"github.com/kylin-go/kylin/query/internal/lazydeadline"
)

// coarseConn is a node connection whose deadlines are installed lazily
// (query/internal/lazydeadline). fasthttp sets a read and a write deadline
// for every request it sends (the request's deadline), and installing one
// costs more than anything else the proxy adds per request; coarseConn
// skips every deadline the installed one still covers within its slack. A
// request that overruns its deadline is cut off up to one slack late, never
// early. A connection is used by one
// request at a time, so the fields need no lock.
type coarseConn struct {
	net.Conn
	read, write time.Time // deadlines installed on Conn; zero: none
}

func (c *coarseConn) SetReadDeadline(t time.Time) error {
	return lazydeadline.Install(&c.read, t, time.Now(), c.Conn.SetReadDeadline)
}

func (c *coarseConn) SetWriteDeadline(t time.Time) error {
	return lazydeadline.Install(&c.write, t, time.Now(), c.Conn.SetWriteDeadline)
}

func (c *coarseConn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}
