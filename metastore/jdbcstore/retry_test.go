package jdbcstore

import (
	sqldriver "database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/go-sql-driver/mysql"
)

func TestClassify(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	read := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	for err, want := range map[error]outcome{
		nil:                                       final,
		&mysql.MySQLError{Number: erDupKey}:       final,
		&mysql.MySQLError{Number: 1146}:           final, // no such table
		&mysql.MySQLError{Number: erDeadlock}:     notSent,
		&mysql.MySQLError{Number: erLockWait}:     notSent,
		&mysql.MySQLError{Number: erTooManyConns}: notSent,
		&mysql.MySQLError{Number: erShutdown}:     unknown,
		&mysql.MySQLError{Number: erConnKilled}:   unknown,
		sqldriver.ErrBadConn:                      notSent,
		fmt.Errorf("wrapped: %w", errPoolWait):    notSent,
		dial:                                      notSent,
		read:                                      unknown,
		mysql.ErrInvalidConn:                      unknown,
		io.ErrUnexpectedEOF:                       unknown,
		errors.New("something else"):              final,
	} {
		if got := classify(err); got != want {
			t.Errorf("classify(%v) = %d, want %d", err, got, want)
		}
	}
}
