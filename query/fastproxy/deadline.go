package fastproxy

import (
	"net"
	"time"
)

// maxSlack bounds how late a node connection's deadline may fire.
const maxSlack = time.Second

// coarseConn is a node connection whose deadlines are installed lazily.
// fasthttp sets a read and a write deadline for every request it sends
// (the request's deadline), and installing one costs more than anything
// else the proxy adds per request. coarseConn installs a deadline a little
// later than asked (an eighth of the time left, at most maxSlack) and then
// skips every later request whose deadline the installed one still covers
// within that slack. A request that overruns its deadline is therefore cut
// off up to one slack late, never early. A connection is used by one
// request at a time, so the fields need no lock.
type coarseConn struct {
	net.Conn
	read, write time.Time // deadlines installed on Conn; zero: none
}

func (c *coarseConn) SetReadDeadline(t time.Time) error {
	return coarse(&c.read, t, c.Conn.SetReadDeadline)
}

func (c *coarseConn) SetWriteDeadline(t time.Time) error {
	return coarse(&c.write, t, c.Conn.SetWriteDeadline)
}

func (c *coarseConn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// coarse installs (through set) a deadline at or shortly after t unless the
// installed one already is.
func coarse(installed *time.Time, t time.Time, set func(time.Time) error) error {
	if t.IsZero() {
		if installed.IsZero() {
			return nil
		}
		*installed = time.Time{}
		return set(t)
	}
	slack := min(maxSlack, max(0, time.Until(t)/8))
	if !installed.IsZero() && !installed.Before(t) && installed.Sub(t) <= slack {
		return nil
	}
	at := t.Add(slack)
	if err := set(at); err != nil {
		return err
	}
	*installed = at
	return nil
}
