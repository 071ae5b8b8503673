package testenv

import (
	"context"
	"testing"
	"time"
)

func TestStartZooKeeperKillFreezeRestart(t *testing.T) {
	zk := StartZooKeeper(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if id, err := zk.Leader(ctx); err != nil || id != 1 {
		t.Fatalf("Leader = %d, %v; want 1", id, err)
	}
	if m, err := zk.Mode(ctx, 1); err != nil || m != "standalone" {
		t.Fatalf("Mode = %q, %v; want standalone", m, err)
	}

	zk.Freeze(1)
	short, cancelShort := context.WithTimeout(ctx, 500*time.Millisecond)
	_, err := zk.Mode(short, 1)
	cancelShort()
	if err == nil {
		t.Fatalf("a frozen server answered srvr")
	}
	zk.Thaw(1)
	if err := zk.WaitServing(ctx, 1); err != nil {
		t.Fatalf("after Thaw: %v", err)
	}

	zk.Kill(1)
	if zk.PID(1) != 0 {
		t.Fatalf("pid file still present after Kill")
	}
	if _, err := zk.Mode(ctx, 1); err == nil {
		t.Fatalf("a killed server answered srvr")
	}
	if err := zk.Start(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if m, err := zk.Mode(ctx, 1); err != nil || m != "standalone" {
		t.Fatalf("after restart Mode = %q, %v", m, err)
	}
}
