package scheduler

import (
	"errors"
	"io"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

// TestZooKeeperLeaderQueuesWithKylin: in mode 100 our engine joins the
// queue of Kylin's CuratorScheduler under "/job_engine/leader". While a
// candidate made exactly as a Kylin node makes it (Curator's protected
// EPHEMERAL_SEQUENTIAL child) leads, our engine stays inactive and runs
// nothing; when the Kylin node leaves, ours leads and runs the job. Our
// candidate carries the node's kylin.server.host-address, as Kylin's do.
func TestZooKeeperLeaderQueuesWithKylin(t *testing.T) {
	c := newZKCluster(t)
	conn, _, err := zk.Connect(strings.Split(c.connect, ","), zkSession,
		zk.WithLogger(log.New(io.Discard, "", 0)), zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	dir := "/kylin/" + c.name + LeaderKey
	for i := 1; i <= len(dir); i++ {
		if i == len(dir) || dir[i] == '/' {
			if _, err := conn.Create(dir[:i], nil, 0, zk.WorldACL(zk.PermAll)); err != nil && !errors.Is(err, zk.ErrNodeExists) {
				t.Fatal(err)
			}
		}
	}
	kylin, err := conn.Create(dir+"/_c_0f8fad5b-d9cb-469f-a165-70867728950e-lock-", []byte("kylin1:7070"),
		zk.FlagEphemeralSequential, zk.WorldACL(zk.PermAll))
	if err != nil {
		t.Fatal(err)
	}

	cfg := testConfig(SchedulerLeader)
	cfg.HostAddress = "go1:7071"
	ex := newGateExec()
	e, _ := c.node(t, "a", cfg, ex)
	// Wait, on a child watch, for our candidate to queue behind Kylin's.
	deadlineC := time.After(deadline)
	for {
		names, _, ch, err := conn.ChildrenW(dir)
		if err != nil {
			t.Fatal(err)
		}
		if ours := candidateData(t, conn, dir, names, "go1:7071"); ours {
			break
		}
		select {
		case <-ch:
		case <-deadlineC:
			t.Fatal("our engine's candidate (data go1:7071) never queued under the leader path")
		}
	}
	if _, err := e.Manager().Add(testCtx(t), jobOf("j", "T", 1)); err != nil {
		t.Fatal(err)
	}
	e.Wake()
	if st := e.Stats(); st.Active || st.Started != 0 {
		t.Fatalf("engine stats %+v while a Kylin node leads: want inactive, nothing started", st)
	}
	if err := conn.Delete(kylin, -1); err != nil {
		t.Fatal(err)
	}
	recv(t, "the job to start once the Kylin leader left", ex.started)
	c.store.waitStatus(t, "j", StateSucceed)
}

// candidateData reports whether one of names under dir holds data.
func candidateData(t *testing.T, conn *zk.Conn, dir string, names []string, data string) bool {
	t.Helper()
	for _, n := range names {
		b, _, err := conn.Get(dir + "/" + n)
		if errors.Is(err, zk.ErrNoNode) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if string(b) == data {
			return true
		}
	}
	return false
}
