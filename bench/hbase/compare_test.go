package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/metastore/memstore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeJava answers every command the way Bench.java does, without HBase.
var fakeJava = []string{"sh", "-c", `
while read w warm meas round rate; do
	[ "$w" = quit ] && exit 0
	if [ "$meas" = 0 ]; then echo ok; continue; fi
	echo "{\"side\":\"java\",\"workload\":\"$w\",\"round\":$round,\"clients\":2,\"ops\":10,\"seconds\":1,\"ops_per_sec\":10,\"p50_us\":5,\"p99_us\":9,\"conflicts\":0,\"errors\":0}"
done`, "fake-java"}

func compareOnMemstore(t *testing.T, java []string) (string, error) {
	t.Helper()
	s := memstore.New()
	defer s.Close()
	if err := setup(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := compare(context.Background(), s, compareConfig{
		workloads: []string{"read", "write", "cas"}, clients: 2, rounds: 2,
		warmup: 0, measure: 20 * time.Millisecond, quorum: "127.0.0.1:1", table: "t",
		java: java, out: &out, progress: io.Discard,
	})
	return out.String(), err
}

func TestCompareInterleavesJavaAndGo(t *testing.T) {
	out, err := compareOnMemstore(t, fakeJava)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := parseResults(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range rs {
		order = append(order, r.Side+"/"+r.Workload)
		if r.Side == "go" && (r.Ops == 0 || r.Errors != 0) {
			t.Errorf("go run %+v: want ops > 0 and no errors on memstore", r)
		}
	}
	want := "java/read go/read java/write go/write java/cas go/cas"
	if got := strings.Join(order, " "); got != want+" "+want {
		t.Fatalf("order:\n got %s\nwant %s %s", got, want, want)
	}
}

// A Java side that dies must fail the comparison, not yield a half table.
func TestCompareFailsWhenJavaExits(t *testing.T) {
	if _, err := compareOnMemstore(t, []string{"sh", "-c", "exit 0", "fake-java"}); err == nil ||
		!strings.Contains(err.Error(), "Java side") {
		t.Fatalf("err = %v, want a Java side error", err)
	}
	bad := []string{"sh", "-c", `read l; echo ok; read l; echo '{"error":"bad"}'`, "fake-java"}
	if _, err := compareOnMemstore(t, bad); err == nil || !strings.Contains(err.Error(), "bad") {
		t.Fatalf("err = %v, want the Java side's error", err)
	}
}

func TestUnknownWorkload(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	if _, err := runWorkload(context.Background(), s, "scan", 1, 0, time.Millisecond, 0); err == nil ||
		!strings.Contains(err.Error(), "want read, write or cas") {
		t.Fatalf("err = %v", err)
	}
}
