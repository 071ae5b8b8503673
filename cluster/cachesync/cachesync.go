// Package cachesync keeps metastore/cache caches fresh across a cluster:
// it announces a cache's writes through a cluster.Broadcaster and turns the
// events a cluster.Handler receives into cache invalidations, as Kylin's
// cache-sync broadcast does between its metadata managers.
//
// It is the glue between the two layers, so that neither metastore/cache
// nor cluster imports the other.
//
// Delivery is asynchronous: a write returns once it is in the store, and
// its event reaches the other nodes (and this one) afterwards. A test that
// writes on one node and then reads on another calls the writer's
// Broadcaster.Sync(ctx) in between; without it the read may come before the
// event, and the event may then drop an entry the read has just filled.
package cachesync

import (
	"context"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/metastore/cache"
)

// Broadcaster is what Announcer needs from the sending side;
// *cluster.Broadcaster satisfies it.
type Broadcaster interface {
	Announce(ctx context.Context, entity, key string, event cluster.Event) error
}

// Announcer returns the cache.Announcer that sends a cache's changes
// through b.
func Announcer(b Broadcaster) cache.Announcer { return announcer{b} }

type announcer struct{ b Broadcaster }

func (a announcer) Announce(ctx context.Context, entity, key string, c cache.Change) error {
	return a.b.Announce(ctx, entity, key, cluster.Event(c))
}

// Listener returns the cluster.Listener that keeps s fresh: an "all" event
// drops everything, an entity event drops the entity's resource, events
// for entities without a resource (project_schema...) change nothing.
// Register it for cache.Entities(), or call Register. Two Listeners of one
// Store are equal, so registering twice is ignored.
func Listener(s *cache.Store) cluster.Listener { return listener{s} }

type listener struct{ s *cache.Store }

func (l listener) Notify(_ context.Context, n cluster.Notification) error {
	l.s.InvalidateEntity(n.Entity, n.Key)
	return nil
}

// Register registers Listener(s) on h for every entity the cache maps to a
// resource.
func Register(h *cluster.Handler, s *cache.Store) {
	h.Register(Listener(s), cache.Entities()...)
}
