package testenv

import (
	"context"
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"
)

// TestStartHDFSRestarts runs a dedicated HDFS through a DataNode restart, a
// NameNode restart, a graceful stop and a crash: a file written before each
// is readable after it, on the same address. The negative controls show the
// stops are real: with the DataNode stopped a new file cannot be written,
// and with the NameNode stopped a stat fails.
func TestStartHDFSRestarts(t *testing.T) {
	h := StartHDFS(t)
	addr := h.Addr()
	// A fresh client for each step: the client's connection does not survive
	// a NameNode restart, and it refuses to redial for 5 s after a failure.
	writeHDFS(t, dialHDFS(t, addr), "/testenv/a", "v1")

	h.StopDataNode()
	if err := writeHDFSErr(dialHDFS(t, addr), "/testenv/no-datanode", "x"); err == nil {
		t.Fatal("a write succeeded with the DataNode stopped")
	}
	h.StartDataNode()
	c := dialHDFS(t, addr)
	checkHDFS(t, c, "/testenv/a", "v1")
	writeHDFS(t, c, "/testenv/b", "v2")

	h.StopNameNode()
	if err := statHDFSErr(addr, "/testenv/a"); err == nil {
		t.Fatal("a stat succeeded with the NameNode stopped")
	}
	h.StartNameNode()
	checkHDFS(t, dialHDFS(t, addr), "/testenv/b", "v2")

	h.Stop()
	h.Stop() // idempotent
	if h.Running() {
		t.Fatal("Running() = true after Stop")
	}
	h.Start()
	if h.Addr() != addr {
		t.Fatalf("address changed across restart: %s -> %s", addr, h.Addr())
	}
	c = dialHDFS(t, addr)
	checkHDFS(t, c, "/testenv/a", "v1")
	writeHDFS(t, c, "/testenv/c", "v3")

	h.Kill()
	h.Start()
	c = dialHDFS(t, addr)
	checkHDFS(t, c, "/testenv/c", "v3")
	if _, err := c.Stat("/testenv/never-written"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stat of a missing file: %v, want os.ErrNotExist", err)
	}
}

func newHDFSClient(addr string) (*hdfs.Client, error) {
	dial := (&net.Dialer{Timeout: 5 * time.Second}).DialContext
	return hdfs.NewClient(hdfs.ClientOptions{
		Addresses: []string{addr}, User: "kylin", NamenodeDialFunc: dial, DatanodeDialFunc: dial,
	})
}

// statHDFSErr connects and stats name with a new client.
func statHDFSErr(addr, name string) error {
	c, err := newHDFSClient(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Stat(name)
	return err
}

func dialHDFS(t *testing.T, addr string) *hdfs.Client {
	t.Helper()
	c, err := newHDFSClient(addr)
	if err != nil {
		t.Fatalf("hdfs client for %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func writeHDFS(t *testing.T, c *hdfs.Client, name, content string) {
	t.Helper()
	if err := writeHDFSErr(c, name, content); err != nil {
		t.Fatalf("write %s: %v", name, err)
	}
}

// writeHDFSErr writes a small file, retrying Close while the NameNode waits
// for the block report, for at most 30 s.
func writeHDFSErr(c *hdfs.Client, name, content string) error {
	if err := c.MkdirAll("/testenv", 0o755); err != nil {
		return err
	}
	w, err := c.Create(name)
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(content)); err != nil {
		w.Close()
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		err := w.Close()
		if !hdfs.IsErrReplicating(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func checkHDFS(t *testing.T, c *hdfs.Client, name, want string) {
	t.Helper()
	got, err := c.ReadFile(name)
	if err != nil || string(got) != want {
		t.Fatalf("read %s = %q, %v; want %q", name, got, err, want)
	}
}
