package zklock

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/lock"
)

var _ lock.ParticipantLister = (*Locker)(nil)

// Participants lists the candidates of the election on key in queue
// order, Kylin's and ours alike. As in Curator, only the first in the
// queue is marked Leader; a candidate that leaves while it is read is
// skipped (and if it was the first, none is marked). A key nobody has
// elected on has none.
func (l *Locker) Participants(ctx context.Context, key string) ([]lock.Participant, error) {
	if err := lock.ValidateKey(key); err != nil {
		return nil, err
	}
	var out []lock.Participant
	err := l.retry(ctx, func(s *session) (err error) {
		out, err = participants(s, l.path(key))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("zklock: participants of %s: %w", key, err)
	}
	return out, nil
}

func participants(s *session, dir string) ([]lock.Participant, error) {
	names, _, err := s.conn.Children(dir)
	switch {
	case errors.Is(err, zk.ErrNoNode):
		return nil, nil
	case err != nil:
		return nil, err
	}
	out := make([]lock.Participant, 0, len(names))
	for i, name := range queueOrder(names) {
		data, _, err := s.conn.Get(dir + "/" + name)
		if errors.Is(err, zk.ErrNoNode) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, lock.Participant{ID: string(data), Name: name, Leader: i == 0})
	}
	return out, nil
}
