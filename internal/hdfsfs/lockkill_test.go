package hdfsfs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/testing/testenv"
)

const lockChildEnv = "HDFSFS_TEST_LOCK_CHILD"

// TestLockFreedAfterHolderKilled: a process that holds a lease and is
// killed (SIGKILL: nothing released) blocks other lockers only until the
// NameNode's lease soft limit passes; then Lock succeeds. Before the kill,
// a Lock with a short deadline fails: the child really held it.
func TestLockFreedAfterHolderKilled(t *testing.T) {
	if name := os.Getenv(lockChildEnv); name != "" {
		holdLockForever(t, name)
		return
	}
	f, dir := open(t)
	name := dir + "/locks/killed.lock"
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockFreedAfterHolderKilled$")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+name, testenv.EnvHDFS+"="+testenv.HDFS(t))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != "locked" {
	}
	ctx := context.Background()
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := f.Lock(short, name); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock while the child holds it = %v, want context.DeadlineExceeded", err)
	}
	cmd.Process.Kill()
	start := time.Now()
	long, cancel2 := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel2()
	l, err := f.Lock(long, name)
	if err != nil {
		t.Fatalf("Lock after the holder was killed: %v", err)
	}
	t.Logf("lease of the killed holder recovered after %v", time.Since(start).Round(time.Millisecond))
	if err := l.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
}

func holdLockForever(t *testing.T, name string) {
	f, err := New(Options{Addresses: []string{testenv.HDFS(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Lock(context.Background(), name); err != nil {
		t.Fatal(err)
	}
	fmt.Println("locked")
	select {}
}
