package jdbcstore

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
)

// outcome classifies an error from one attempt of a statement.
type outcome int

const (
	final   outcome = iota // an answer (or a failure retrying cannot fix)
	notSent                // the statement surely did not run: retry
	unknown                // it may have run: retry, and check what a retry finds
)

// MySQL error numbers after which a statement is retried: too many
// connections; lock wait timeout and deadlock (the statement was rolled
// back); server shutdown and connection killed (an autocommit statement is
// rolled back, but the reply may have been lost: treated as unknown).
const (
	erTooManyConns   = 1040
	erShutdown       = 1053
	erLockWait       = 1205
	erDeadlock       = 1213
	erConnKilled     = 1927
	erDupKey         = 1062
	erUnknownVar     = 1193
	erServerShutdown = 1077 // normal shutdown in progress
)

func classify(err error) outcome {
	if err == nil {
		return final
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case erTooManyConns, erLockWait, erDeadlock:
			return notSent
		case erShutdown, erConnKilled, erServerShutdown:
			return unknown
		}
		return final
	}
	if errors.Is(err, errPoolWait) || errors.Is(err, sqldriver.ErrBadConn) {
		return notSent
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return notSent
	}
	if errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.As(err, &oe) {
		return unknown
	}
	return final
}

// errRace asks for an immediate new attempt: a row changed between the
// statement and the read that explains its result.
var errRace = errors.New("jdbcstore: row changed while explaining a write; retrying")

// maxRaces bounds immediate re-attempts after errRace.
const maxRaces = 8

// retry runs attempt on a pooled connection until it gives a final answer,
// ctx ends, or cfg.RetryFor has passed since the first failure. uncertain
// tells the attempt that an earlier attempt's outcome is unknown (it may
// have been applied).
func (s *Store) retry(ctx context.Context, attempt func(ctx context.Context, c *sql.Conn, uncertain bool) error) error {
	var deadline time.Time
	backoff := 10 * time.Millisecond
	uncertain := false
	races := 0
	for {
		err := s.once(ctx, attempt, uncertain)
		if errors.Is(err, errRace) && races < maxRaces {
			races++
			continue
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		o := classify(err)
		if o == final {
			return err
		}
		if o == unknown {
			uncertain = true
		}
		if deadline.IsZero() {
			deadline = now().Add(s.cfg.RetryFor)
		}
		if !now().Add(backoff).Before(deadline) {
			return err
		}
		if werr := sleepCtx(ctx, backoff); werr != nil {
			return werr
		}
		backoff = min(backoff*2, 500*time.Millisecond)
	}
}

// once runs one attempt on one connection.
func (s *Store) once(ctx context.Context, attempt func(ctx context.Context, c *sql.Conn, uncertain bool) error, uncertain bool) error {
	c, err := s.conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return attempt(ctx, c, uncertain)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
