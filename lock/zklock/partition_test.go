package zklock

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/lock"
)

// netnsLab is three network namespaces made for one test: "srv" holds a
// three-server ensemble on 10.213.0.1-3, and clients "a" and "b" each
// reach it over their own veth pair. Setting a client's link down
// partitions it from the whole ensemble while the other keeps working.
type netnsLab struct {
	t             *testing.T
	srv, nsA, nsB string
	linkA, linkB  string
	serverAddrs   []string
}

func ipCmd(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func newNetnsLab(t *testing.T) *netnsLab {
	id := os.Getpid() % 100000
	lab := &netnsLab{t: t, srv: fmt.Sprintf("kzs%d", id), nsA: fmt.Sprintf("kza%d", id), nsB: fmt.Sprintf("kzb%d", id),
		linkA: fmt.Sprintf("kva%d", id), linkB: fmt.Sprintf("kvb%d", id),
		serverAddrs: []string{"10.213.0.1", "10.213.0.2", "10.213.0.3"}}
	if _, err := exec.LookPath("ip"); err != nil {
		testenv.Missing(t, "iproute2 (ip)", "apt-get install iproute2")
	}
	if err := ipCmd("netns", "add", lab.srv); err != nil {
		testenv.Missing(t, "network namespaces", err.Error())
	}
	t.Cleanup(func() {
		for _, ns := range []string{lab.srv, lab.nsA, lab.nsB} {
			_ = ipCmd("netns", "del", ns) // deleting a namespace removes its veth ends
		}
	})
	if err := lab.setup(); err != nil {
		testenv.Missing(t, "veth links between network namespaces", err.Error())
	}
	return lab
}

func (lab *netnsLab) setup() error {
	steps := [][]string{
		{"netns", "add", lab.nsA},
		{"netns", "add", lab.nsB},
		{"-n", lab.srv, "link", "set", "lo", "up"},
	}
	for _, a := range lab.serverAddrs {
		steps = append(steps, []string{"-n", lab.srv, "addr", "add", a + "/32", "dev", "lo"})
	}
	for i, c := range []struct{ ns, link string }{{lab.nsA, lab.linkA}, {lab.nsB, lab.linkB}} {
		srvEnd, srvIP, cliIP := c.link+"s", fmt.Sprintf("10.213.%d.1", i+1), fmt.Sprintf("10.213.%d.2", i+1)
		steps = append(steps,
			[]string{"-n", lab.srv, "link", "add", srvEnd, "type", "veth", "peer", "name", c.link, "netns", c.ns},
			[]string{"-n", lab.srv, "addr", "add", srvIP + "/24", "dev", srvEnd},
			[]string{"-n", lab.srv, "link", "set", srvEnd, "up"},
			[]string{"-n", c.ns, "link", "set", "lo", "up"},
			[]string{"-n", c.ns, "addr", "add", cliIP + "/24", "dev", c.link},
			[]string{"-n", c.ns, "link", "set", c.link, "up"},
			[]string{"-n", c.ns, "route", "add", "10.213.0.0/24", "via", srvIP},
		)
	}
	for _, s := range steps {
		if err := ipCmd(s...); err != nil {
			return err
		}
	}
	return nil
}

// TestFaultPartition checks that a client partitioned from the ensemble for
// longer than its session timeout sees Done close before another client, still
// connected, acquires the key; a write it makes afterwards with its old token
// is refused by the fence. The negative control runs the same partition with a
// holder whose liveness deadline is off (it learns of the loss only from the
// expiry notice after the partition heals), and the test must report that
// violation.
func TestFaultPartition(t *testing.T) {
	lab := newNetnsLab(t)
	zk := testenv.StartZooKeeperWith(t, 3, testenv.ZKOptions{NetNS: lab.srv, Addrs: lab.serverAddrs})
	t.Run("Lock", func(t *testing.T) {
		v, report := partitionScenario(t, lab, zk, "holder")
		for _, s := range v {
			t.Errorf("violation: %s", s)
		}
		t.Logf("partition: acquisitions=2 faults=1 violations=%d; %s", len(v), report)
	})
	t.Run("NegativeControl", func(t *testing.T) {
		v, report := partitionScenario(t, lab, zk, "broken-holder")
		if len(v) == 0 {
			t.Fatalf("the partition test did not catch a holder without a liveness deadline (%s)", report)
		}
		t.Logf("negative control caught %d violation(s) as it must: %q", len(v), v)
	})
}

func partitionScenario(t *testing.T, lab *netnsLab, zk *testenv.ZKCluster, role string) ([]string, string) {
	cfg := testConfig(zk.ConnectString(), 3*time.Second)
	key := "/job_engine/lock/job-7"
	var fence lock.Fence
	var violations []string

	a := startHelper(t, role, lab.nsA, cfg, key, "a@partitioned")
	got := a.expect(t, "acquired", time.Minute)
	oldToken := uint64(atoi64(t, got[1]))
	if err := fence.Admit(key, oldToken); err != nil {
		t.Fatal(err)
	}
	b := startHelper(t, "contender", lab.nsB, cfg, key, "b@connected")

	partitionedAt := mono()
	if err := ipCmd("-n", lab.nsA, "link", "set", lab.linkA, "down"); err != nil {
		t.Fatal(err)
	}
	healed := false
	heal := func() {
		if !healed {
			healed = true
			// Setting the link down removed the route through it.
			if err := ipCmd("-n", lab.nsA, "link", "set", lab.linkA, "up"); err != nil {
				t.Fatal(err)
			}
			if err := ipCmd("-n", lab.nsA, "route", "replace", "10.213.0.0/24", "via", "10.213.1.1"); err != nil {
				t.Fatal(err)
			}
		}
	}
	defer heal()
	gotB := b.expect(t, "acquired", time.Minute)
	newToken, acquiredAt := uint64(atoi64(t, gotB[1])), atoi64(t, gotB[2])
	heal() // a holder without a deadline learns of the loss only now
	doneAt := atoi64(t, a.expect(t, "done", 30*time.Second)[1])
	write := a.expect(t, "write", 10*time.Second)
	if doneAt >= acquiredAt {
		violations = append(violations, fmt.Sprintf("the partitioned holder's Done closed %v after the other client acquired",
			time.Duration(doneAt-acquiredAt)))
	}
	if newToken <= oldToken {
		violations = append(violations, fmt.Sprintf("new token %d not greater than %d", newToken, oldToken))
	}
	if err := fence.Admit(key, newToken); err != nil {
		t.Fatal(err)
	}
	if err := fence.Admit(key, uint64(atoi64(t, write[1]))); !errors.Is(err, lock.ErrStaleToken) {
		violations = append(violations, fmt.Sprintf("fence admitted the partitioned holder's late write: %v", err))
	}
	report := fmt.Sprintf("Done closed %v after the cut; the other client acquired %v after the cut (session %v)",
		time.Duration(doneAt-partitionedAt), time.Duration(acquiredAt-partitionedAt), cfg.SessionTimeout)
	return violations, report
}
