package cluster

import (
	"fmt"
	"strings"
)

// Event is what happened to a cached entity: Kylin's Broadcaster.Event.
type Event string

// The events of Kylin's cache-sync protocol, as they travel on the wire.
const (
	EventCreate Event = "create"
	EventUpdate Event = "update"
	EventDrop   Event = "drop"
)

// EntityAll is the entity (and key) of a full reload: every listener is
// notified and every cache is dropped. Kylin sends it as all/all/update.
const EntityAll = "all"

// ParseEvent parses an event name case-insensitively, as Kylin does.
func ParseEvent(s string) (Event, error) {
	switch strings.ToLower(s) {
	case "create":
		return EventCreate, nil
	case "update":
		return EventUpdate, nil
	case "drop":
		return EventDrop, nil
	}
	return "", fmt.Errorf("cluster: unknown cache event %q: use create, update or drop", truncate(s, 64))
}

// Notification is one event delivered to a Listener.
type Notification struct {
	Entity string
	Key    string
	Event  Event
}

// IsAll reports whether n is a full reload (entity "all").
func (n Notification) IsAll() bool { return n.Entity == EntityAll }

func (n Notification) String() string { return n.Entity + "/" + n.Key + "/" + string(n.Event) }

func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
