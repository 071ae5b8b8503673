package cache

import (
	"context"

	"github.com/kylin-go/kylin/cluster"
)

// Listener returns the cluster.Listener that keeps this cache fresh:
// register it on a cluster.Handler for Entities(). An "all" event drops
// everything; an entity event drops the entity's resource; events for
// entities without a resource (project_schema...) change nothing.
func (s *Store) Listener() cluster.Listener { return listener{s} }

type listener struct{ s *Store }

func (l listener) Notify(_ context.Context, n cluster.Notification) error {
	if n.IsAll() {
		l.s.InvalidateAll()
		return nil
	}
	if p, ok := EntityPath(n.Entity, n.Key); ok {
		l.s.Invalidate(p)
	}
	return nil
}
