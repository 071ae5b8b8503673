package hdfsfs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"
	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, testenv.HDFSWriteLeak()) }

// open returns an FS on the shared HDFS and a directory of the test's own.
func open(t *testing.T) (*FS, string) {
	t.Helper()
	f, err := New(Options{Addresses: []string{testenv.HDFS(t)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	dir := "/hdfsfs-test/" + metastore.NewUUID()[:8]
	t.Cleanup(func() {
		f.Do(context.Background(), func(c *hdfs.Client) error { return c.RemoveAll(dir) })
	})
	return f, dir
}

func TestCreateReadSetTimes(t *testing.T) {
	f, dir := open(t)
	ctx := context.Background()
	name := dir + "/a/b.bin"
	data := bytes.Repeat([]byte("kylin"), 300_000)
	const ms = 1_796_601_234_567
	err := f.Do(ctx, func(c *hdfs.Client) error { return CreateFile(ctx, c, name, data) })
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetTimes(ctx, name, ms); err != nil {
		t.Fatal(err)
	}
	var got []byte
	var mod int64
	err = f.Do(ctx, func(c *hdfs.Client) error {
		b, fi, err := ReadFile(c, name)
		got, mod = b, ModMillis(fi)
		return err
	})
	if err != nil || !bytes.Equal(got, data) || mod != ms {
		t.Fatalf("read back %d bytes (equal %v), mtime %d, %v; want %d bytes, mtime %d",
			len(got), bytes.Equal(got, data), mod, err, len(data), ms)
	}
	// Negative control: the client's own Chtimes loses the milliseconds,
	// which is why SetTimes exists.
	err = f.Do(ctx, func(c *hdfs.Client) error {
		if err := c.Chtimes(name, time.UnixMilli(ms), time.UnixMilli(ms)); err != nil {
			return err
		}
		fi, err := c.Stat(name)
		mod = ModMillis(fi)
		return err
	})
	if err != nil || mod == ms {
		t.Fatalf("Chtimes kept %d (err %v): the negative control no longer shows the truncation", mod, err)
	}
	if err := f.SetTimes(ctx, dir+"/missing", ms); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("SetTimes(missing) = %v, want os.ErrNotExist", err)
	}
	err = f.Do(ctx, func(c *hdfs.Client) error { return CreateFile(ctx, c, name, data) })
	if !errors.Is(err, os.ErrExist) {
		t.Fatalf("CreateFile over an existing file = %v, want os.ErrExist", err)
	}
}

// TestLockExcludes: while one lease is held, a second Lock waits until its
// context ends; after Unlock it succeeds at once.
func TestLockExcludes(t *testing.T) {
	f, dir := open(t)
	ctx := context.Background()
	name := dir + "/locks/x.lock"
	l1, err := f.Lock(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 700*time.Millisecond)
	defer cancel()
	if l2, err := f.Lock(short, name); !errors.Is(err, context.DeadlineExceeded) {
		if l2 != nil {
			l2.Unlock(ctx)
		}
		t.Fatalf("second Lock while held = %v, want context.DeadlineExceeded", err)
	}
	if err := l1.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	l3, err := f.Lock(ctx, name)
	if err != nil {
		t.Fatalf("Lock after Unlock: %v", err)
	}
	if err := l3.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestDoCancelled(t *testing.T) {
	f, _ := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := f.Do(ctx, func(*hdfs.Client) error { called = true; return nil })
	if !errors.Is(err, context.Canceled) || called {
		t.Fatalf("Do(cancelled) = %v, called %v; want context.Canceled, not called", err, called)
	}
}

func TestNewBadAddress(t *testing.T) {
	for _, a := range [][]string{nil, {"nohostport"}} {
		if _, err := New(Options{Addresses: a}); err == nil {
			t.Errorf("New(%q) succeeded", a)
		}
	}
}
