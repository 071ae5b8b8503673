package metastore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kylin-go/kylin/cluster/clustertest"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore" // also registers name@mem
)

func ExampleCleanPath() {
	for _, p := range []string{"cube/sales.json/", "//execute/job-1", "/a/../b", "/"} {
		clean, err := metastore.CleanPath(p)
		fmt.Printf("%q -> %q, invalid: %v\n", p, clean, errors.Is(err, metastore.ErrInvalidPath))
	}
	// Output:
	// "cube/sales.json/" -> "/cube/sales.json", invalid: false
	// "//execute/job-1" -> "/execute/job-1", invalid: false
	// "/a/../b" -> "", invalid: true
	// "/" -> "", invalid: true
}

func ExampleOpen() {
	ctx := context.Background()
	s, err := metastore.Open(ctx, "example@mem")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	ts, _ := s.Put(ctx, "/project/learn_kylin.json", []byte(`{"name":"learn_kylin"}`), 0)
	_, err = s.Put(ctx, "/project/learn_kylin.json", []byte(`{}`), 0) // stale writer
	fmt.Println("stale write refused:", errors.Is(err, metastore.ErrConflict))
	_, err = s.Put(ctx, "/project/learn_kylin.json", []byte(`{"name":"learn_kylin","v":2}`), ts)
	fmt.Println("update with the current ts:", err)

	root, _ := s.List(ctx, "/")
	fmt.Println(root) // /UUID was written on first open
	// Output:
	// stale write refused: true
	// update with the current ts: <nil>
	// [/UUID /project]
}

func ExampleGetAll() {
	ctx := context.Background()
	clock := clustertest.NewClock(time.UnixMilli(1000)) // a manual clock, one ms per write
	s := memstore.New(metastore.WithEnv(hostenv.Env{Clock: clock}))
	defer s.Close()
	for _, p := range []string{"/execute/job-1", "/execute/job-2", "/execute_output/job-1", "/execute/job-3"} {
		clock.Advance(time.Millisecond)
		ts, _ := s.Put(ctx, p, []byte("{}"), 0)
		fmt.Println(p, ts)
	}
	recent, _ := metastore.GetAll(ctx, s, "/execute", metastore.Window{From: 1002, To: 1004})
	for _, r := range recent {
		fmt.Println("in [1002,1004):", r.Path)
	}
	// Output:
	// /execute/job-1 1001
	// /execute/job-2 1002
	// /execute_output/job-1 1003
	// /execute/job-3 1004
	// in [1002,1004): /execute/job-2
}
