package cluster

import (
	"testing"

	"github.com/kylin-go/kylin/config"
)

// The zero Mode is all, as StaticFromConfig assumes for a node listed
// without a mode: Node{Addr: a} builds and queries.
func TestZeroModeIsAll(t *testing.T) {
	n := Node{Addr: "h:7070"}
	if !n.Mode.CanBuild() || !n.Mode.CanQuery() || n.Mode.String() != "all" {
		t.Errorf("zero mode: build %v query %v %q", n.Mode.CanBuild(), n.Mode.CanQuery(), n.Mode)
	}
	for _, tc := range []struct {
		m            Mode
		build, query bool
		s            string
	}{
		{ModeJob, true, false, "job"},
		{ModeQuery, false, true, "query"},
		{ModeStreamCoordinator, false, false, "stream_coordinator"},
		{ModeJob | ModeStreamCoordinator, true, false, "job,stream_coordinator"},
	} {
		if tc.m.CanBuild() != tc.build || tc.m.CanQuery() != tc.query || tc.m.String() != tc.s {
			t.Errorf("mode %q: build %v query %v", tc.m, tc.m.CanBuild(), tc.m.CanQuery())
		}
	}
	m, err := StaticFromConfig(configServer("h"))
	if err != nil || m.Nodes()[0].Mode.String() != n.Mode.String() {
		t.Errorf("StaticFromConfig gives %v, the zero mode %v", m.Nodes(), n.Mode)
	}
}

func configServer(host string) config.Server {
	return config.Server{ClusterServers: []config.ServerAddr{{Host: host, Port: 7070}}}
}

func TestModeIs(t *testing.T) {
	for _, c := range []struct {
		m, want Mode
		is      bool
	}{
		{0, ModeAll, true}, {0, ModeQuery, true}, {ModeAll, ModeJob, true},
		{ModeQuery, ModeAll, false}, {ModeJob, ModeQuery, false},
		{ModeJob | ModeStreamCoordinator, ModeStreamCoordinator, true}, {0, ModeStreamCoordinator, false},
	} {
		if got := c.m.Is(c.want); got != c.is {
			t.Errorf("Mode(%d).Is(%d) = %v; want %v", c.m, c.want, got, c.is)
		}
	}
}
