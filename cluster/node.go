package cluster

import (
	"fmt"
	"strings"
)

// Mode is what a node does, a set of roles parsed from kylin.server.mode.
type Mode uint8

const (
	// ModeJob: the node runs build jobs.
	ModeJob Mode = 1 << iota
	// ModeQuery: the node answers queries.
	ModeQuery
	// ModeStreamCoordinator: Kylin's streaming coordinator; we only carry it.
	ModeStreamCoordinator
	// ModeAll is job and query.
	ModeAll = ModeJob | ModeQuery
)

// ParseMode parses a comma list as Kylin's ServerMode does: trimmed,
// lower-cased, "all" meaning job and query.
func ParseMode(s string) (Mode, error) {
	var m Mode
	for _, part := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(part)) {
		case "all":
			m |= ModeAll
		case "job":
			m |= ModeJob
		case "query":
			m |= ModeQuery
		case "stream_coordinator":
			m |= ModeStreamCoordinator
		case "":
		default:
			return 0, fmt.Errorf("cluster: server mode %q: unknown role %q; use all, job, query or stream_coordinator (comma separated)", s, part)
		}
	}
	if m == 0 {
		return 0, fmt.Errorf("cluster: server mode %q is empty; use all, job or query", s)
	}
	return m, nil
}

// CanBuild reports whether the node runs jobs.
func (m Mode) CanBuild() bool { return m&ModeJob != 0 }

// CanQuery reports whether the node serves queries.
func (m Mode) CanQuery() bool { return m&ModeQuery != 0 }

// String formats m as Kylin writes it ("all", "job", "query", "job,stream_coordinator").
func (m Mode) String() string {
	var parts []string
	switch {
	case m&ModeAll == ModeAll:
		parts = append(parts, "all")
	case m&ModeJob != 0:
		parts = append(parts, "job")
	case m&ModeQuery != 0:
		parts = append(parts, "query")
	}
	if m&ModeStreamCoordinator != 0 {
		parts = append(parts, "stream_coordinator")
	}
	return strings.Join(parts, ",")
}

// Node is one cluster member.
type Node struct {
	// Addr is "host:port" of the node's Kylin REST endpoint.
	Addr string
	Mode Mode
	// User and Password are the Basic credentials from a
	// "user:password@host:port" entry; empty when none.
	User     string
	Password string
}

// String is the node's address (credentials are never printed).
func (n Node) String() string { return n.Addr }
