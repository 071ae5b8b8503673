package scheduler

import (
	"context"
	"errors"
	"fmt"

	"github.com/kylin-go/kylin/cluster"
)

// Broadcast entities of job records, as Kylin names them.
const (
	EntityJob       = "execute"        // key: the job id
	EntityJobOutput = "execute_output" // key: a job or step id
)

// JobEntities are the entities a host registers the engine's Listener for.
var JobEntities = []string{EntityJob, EntityJobOutput}

// Announcer tells every node of the cluster that a job changed.
// *cluster.Broadcaster satisfies it.
type Announcer interface {
	Announce(ctx context.Context, entity, key string, event cluster.Event) error
}

// ErrNotAnnounced is wrapped by the error of a Manager change that was
// stored but could not be announced (the Announcer failed or was closed):
// the change is durable; other nodes see it at their next poll.
var ErrNotAnnounced = errors.New("scheduler: change stored but not announced")

// WithAnnouncer makes the Manager (the Engine's, or one from NewManager)
// announce every job it adds (execute/<id>/create) or changes
// (execute/<id>/update), so every node's engine looks at the job at once.
func WithAnnouncer(a Announcer) Option { return func(o *options) { o.announcer = a } }

// announce tells the cluster about a change the Manager stored.
func (m *Manager) announce(ctx context.Context, id string, ev cluster.Event) error {
	if m.ann == nil {
		return nil
	}
	if err := m.ann.Announce(ctx, EntityJob, id, ev); err != nil {
		return fmt.Errorf("%w: %s/%s/%s: %v", ErrNotAnnounced, EntityJob, id, ev, err)
	}
	return nil
}

// Listener is the cluster.Listener a host registers on its cache-sync
// Handler for JobEntities: a job event wakes the engine for that job
// (WakeJob with the event's key), and an "all" event, which every
// listener receives, makes it read every job again (Rescan). It never
// fails.
func (e *Engine) Listener() cluster.Listener {
	return cluster.ListenerFunc(func(_ context.Context, n cluster.Notification) error {
		if n.IsAll() {
			e.Rescan()
			return nil
		}
		e.WakeJob(n.Key)
		return nil
	})
}
