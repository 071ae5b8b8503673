package cluster

import (
	"fmt"
	"strings"

	"github.com/kylin-go/kylin/secret"
)

// Mode is what a node does, a set of roles parsed from kylin.server.mode.
// The zero Mode means ModeAll, as Kylin assumes for a node listed without
// a mode, so Node{Addr: a} builds and queries. Ask a Mode with CanBuild,
// CanQuery or Is, not ==: Node{}.Mode == ModeAll is false, Node{}.Mode.Is(ModeAll)
// is true.
type Mode uint8

const (
	// ModeJob is a node that runs build jobs.
	ModeJob Mode = 1 << iota
	// ModeQuery is a node that answers queries.
	ModeQuery
	// ModeStreamCoordinator is Kylin's streaming coordinator; we only carry it.
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

// roles is m with the zero Mode read as ModeAll.
func (m Mode) roles() Mode {
	if m == 0 {
		return ModeAll
	}
	return m
}

// Is reports whether m has every role of want, the zero Mode counting as
// ModeAll: Mode(0).Is(ModeAll) and ModeAll.Is(ModeQuery) are true.
func (m Mode) Is(want Mode) bool { return m.roles()&want == want }

// CanBuild reports whether the node runs jobs (the zero Mode does).
func (m Mode) CanBuild() bool { return m.roles()&ModeJob != 0 }

// CanQuery reports whether the node serves queries (the zero Mode does).
func (m Mode) CanQuery() bool { return m.roles()&ModeQuery != 0 }

// String formats m as Kylin writes it ("all", "job", "query",
// "job,stream_coordinator"); the zero Mode is "all".
func (m Mode) String() string {
	m = m.roles()
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

// Node is one cluster member. Its password never shows: JSON, fmt and
// zap print "***" for it.
type Node struct {
	// Addr is "host:port" of the node's Kylin REST endpoint.
	Addr string
	// Mode is what the node does; zero means ModeAll.
	Mode Mode
	// User and Password are the Basic credentials from a
	// "user:password@host:port" entry; empty when none. The Broadcaster
	// sends them to the node.
	User     string
	Password secret.String
}

// String is the node's address (credentials are never printed).
func (n Node) String() string { return n.Addr }
