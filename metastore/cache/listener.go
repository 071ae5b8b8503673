package cache

// EntityAll is the entity of Kylin's full reload event (all/all/update):
// every cache drops everything.
const EntityAll = "all"

// InvalidateEntity drops what an event received for (entity, key) names:
// everything for EntityAll, the entity's resource otherwise (EntityPath),
// nothing for entities without one (project_schema...). It is what a
// cluster listener calls; cluster/cachesync provides that listener.
func (s *Store) InvalidateEntity(entity, key string) {
	if entity == EntityAll {
		s.InvalidateAll()
		return
	}
	if p, ok := EntityPath(entity, key); ok {
		s.Invalidate(p)
	}
}
