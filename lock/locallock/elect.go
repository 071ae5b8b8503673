package locallock

import (
	"context"

	"github.com/kylin-go/kylin/lock"
)

var _ lock.Elector = (*Locker)(nil)

// Elect takes leadership of key: in one process a plain Lock is already
// an election among the Lockers sharing the lock space. participantID is
// not recorded; the lease's Owner is the Locker's owner id.
func (l *Locker) Elect(ctx context.Context, key, participantID string) (lock.Lease, error) {
	return l.Lock(ctx, key)
}
