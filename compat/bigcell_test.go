package compat

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/hdfsfs"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

// bigSize is above Kylin's big-cell floor, max(hbase.client.keyvalue.maxsize,
// 10 MiB), so both sides keep such content in HDFS behind an empty f:c.
const bigSize = 12 << 20

// bigPair is one HBase table with big cells in the shared HDFS, opened by
// hbasestore and by Kylin's HBaseResourceStore in a JVM of its own (Kylin
// takes the HDFS from its site configuration, not from the metadata URL).
type bigPair struct {
	storePair
	fs   *hdfs.Client
	root string // HDFS path of the resources folder: <working dir>/<table>/resources
	tmp  string // local directory carrying content to and from the harness
	// staleCAS is the exception Kylin's checkAndPutResource of big content
	// over a stale timestamp throws; "" means WriteConflictException.
	staleCAS string
}

// file is the HDFS file holding the big cell of path.
func (p bigPair) file(path string) string { return p.root + path }

func openBigPair(t *testing.T, h *harness) bigPair {
	t.Helper()
	quorum := testenv.HBase(t)
	nn := testenv.HDFS(t)
	table := h.cluster + "_big" + randomHex(3)
	kurl := kylinHBaseURL(t, table, quorum)
	dropHBaseTableAtEnd(t, h, kurl)
	wdPath := "/kylin-compat/" + randomHex(4)
	removeHDFSAtEnd(t, nn, wdPath)
	site := map[string]string{
		"kylin.env.hdfs-working-dir":     "hdfs://" + nn + wdPath,
		"kylin.storage.hbase.cluster-fs": "hdfs://" + nn,
	}
	side := sideHarness(t, h, site)

	props := map[string]string{"kylin.metadata.url": table + "@hbase,hbase.zookeeper.quorum=" + quorum}
	for k, v := range site {
		props[k] = v
	}
	cfg, err := config.FromMap(props, "compat")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := metastore.Open(ctx, cfg.Metastore.URL, metastore.WithConfig(cfg))
	if err != nil {
		t.Fatalf("hbasestore with big cells: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	k := kylinStore{h: side, url: kurl}
	class, err := k.open()
	if err != nil || !strings.HasSuffix(class, ".HBaseResourceStore") {
		t.Fatalf("Kylin opened %q (%v), want HBaseResourceStore", class, err)
	}
	fs, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{nn}, User: hdfsUser(t)})
	if err != nil {
		t.Fatalf("HDFS client: %v", err)
	}
	t.Cleanup(func() { _ = fs.Close() })
	return bigPair{storePair: storePair{s: s, k: k}, fs: fs, root: wdPath + "/" + table + "/resources", tmp: t.TempDir()}
}

// hdfsUser is the user both stores act as (HADOOP_USER_NAME, else the
// process's user, as Hadoop's client picks it).
func hdfsUser(t *testing.T) string {
	if u := os.Getenv("HADOOP_USER_NAME"); u != "" {
		return u
	}
	u, err := user.Current()
	if err != nil {
		t.Fatalf("current user: %v", err)
	}
	return u.Username
}

// bigContent is n pseudo-random bytes from seed, so that two values differ
// everywhere.
func bigContent(n int, seed uint32) []byte {
	b := make([]byte, n)
	x := seed*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// inHDFS checks that path's content is a file of size n in HDFS (the big
// cell), or that no file is left when n < 0.
func (p bigPair) inHDFS(path string, n int) error {
	fi, err := p.fs.Stat(p.file(path))
	switch {
	case n < 0 && errors.Is(err, os.ErrNotExist):
		return nil
	case n < 0 && err == nil:
		return fmt.Errorf("HDFS file %s still there (%d bytes) after the delete", p.file(path), fi.Size())
	case err != nil:
		return fmt.Errorf("HDFS file of %s: %w", path, err)
	case fi.Size() != int64(n):
		return fmt.Errorf("HDFS file %s has %d bytes, want %d", p.file(path), fi.Size(), n)
	}
	return nil
}

// bothSee checks that getResource and getResourceTimestamp (Kylin) and Get
// (ours) return want. Listings and visits stay out: Kylin's hbase-client
// 1.1.1 scanning f:t on HBase 2.6 skips rows holding a value over 1 MB (see
// sample), a client/server mismatch that is not ours.
func (p bigPair) bothSee(ctx context.Context, want metastore.Resource) error {
	got, err := p.kylinGet(want.Path)
	if err != nil {
		return fmt.Errorf("kylin get %s: %w", want.Path, err)
	}
	if err := sameResource("kylin getResource", got, want); err != nil {
		return err
	}
	if ts, err := p.k.ts(want.Path); err != nil || ts != want.Timestamp {
		return fmt.Errorf("kylin getResourceTimestamp %s = %d (%v), want timestamp %d", want.Path, ts, err, want.Timestamp)
	}
	r, err := p.s.Get(ctx, want.Path)
	if err != nil {
		return fmt.Errorf("go Get %s: %w", want.Path, err)
	}
	return sameResource("go Get", &r, want)
}

// neitherSees checks that both sides find nothing at path and its file is gone.
func (p bigPair) neitherSees(ctx context.Context, path string) error {
	if got, err := p.kylinGet(path); err != nil || got != nil {
		return fmt.Errorf("kylin get %s after the delete = %v (%v), want nothing", path, got != nil, err)
	}
	if ok, err := p.k.exists(path); err != nil || ok {
		return fmt.Errorf("kylin exists %s after the delete = %v (%v), want false", path, ok, err)
	}
	if _, err := p.s.Get(ctx, path); !errors.Is(err, metastore.ErrNotFound) {
		return fmt.Errorf("go Get %s after the delete: %v, want ErrNotFound", path, err)
	}
	return p.inHDFS(path, -1)
}

// goPut writes content with our Put over oldTS and checks its file.
func (p bigPair) goPut(ctx context.Context, path string, content []byte, oldTS int64) (metastore.Resource, error) {
	ts, err := p.s.Put(ctx, path, content, oldTS)
	if err != nil {
		return metastore.Resource{}, fmt.Errorf("go Put %s (%d bytes): %w", path, len(content), err)
	}
	return metastore.Resource{Path: path, Content: content, Timestamp: ts}, p.inHDFS(path, len(content))
}

// kylinPut writes content with Kylin's checkAndPutResource and checks its file.
func (p bigPair) kylinPut(path string, content []byte, oldTS, newTS int64) (metastore.Resource, error) {
	ts, err := p.kylinCAS(path, content, oldTS, newTS)
	if err != nil {
		return metastore.Resource{}, fmt.Errorf("kylin checkAndPutResource %s (%d bytes): %w", path, len(content), err)
	}
	return metastore.Resource{Path: path, Content: content, Timestamp: ts}, p.inHDFS(path, len(content))
}

// kylinGet is Kylin's getResource with the content passed through a file
// (store.getFile): nil when Kylin finds nothing.
func (p bigPair) kylinGet(path string) (*metastore.Resource, error) {
	file := filepath.Join(p.tmp, "get")
	var w *struct {
		Path string `json:"path"`
		TS   int64  `json:"ts"`
		Size int64  `json:"size"`
	}
	if err := p.k.h.call("store.getFile", p.k.args("path", path, "file", file), &w); err != nil || w == nil {
		return nil, err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) != w.Size {
		return nil, fmt.Errorf("kylin get %s: %d bytes in the file, Kylin copied %d", path, len(b), w.Size)
	}
	return &metastore.Resource{Path: w.Path, Content: b, Timestamp: w.TS}, nil
}

// kylinCAS is Kylin's checkAndPutResource with the content passed through
// a file (store.casFile); a conflict is a WriteConflictException.
func (p bigPair) kylinCAS(path string, content []byte, oldTS, newTS int64) (int64, error) {
	file := filepath.Join(p.tmp, "put")
	if err := os.WriteFile(file, content, 0o600); err != nil {
		return 0, err
	}
	var got int64
	err := p.k.h.call("store.casFile", p.k.args("path", path, "file", file, "old", oldTS, "new", newTS), &got)
	return got, err
}

// corrupt flips one byte of the HDFS file behind path, rewriting the file
// through the HDFS client.
func (p bigPair) corrupt(ctx context.Context, path string, at int) error {
	name := p.file(path)
	b, _, err := hdfsfs.ReadFile(p.fs, name)
	if err != nil {
		return err
	}
	b[at] ^= 0xff
	if err := p.fs.Remove(name); err != nil {
		return err
	}
	return hdfsfs.CreateFile(ctx, p.fs, name, b)
}

// TestHBaseBigCells: Kylin's HBaseResourceStore (hbase-client 1.1.1,
// hadoop-hdfs 2.7.1) and hbasestore on one table whose big cells live in
// the shared HDFS (HDFS 3.3.6): each reads the other's 12 MiB and empty
// resources byte for byte with their timestamps, compare-and-set conflicts
// both ways, deletes remove the file for both.
func TestHBaseBigCells(t *testing.T) {
	h := kylin(t)
	start := time.Now()
	p := openBigPair(t, h)
	t.Logf("both stores open on one table with big cells in %v", time.Since(start).Round(time.Millisecond))
	checkBigPair(t, p)
}

// checkBigPair runs the big-cell checks on a pair of stores sharing one
// metastore and its HDFS: each reads the other's 12 MiB and empty resources,
// compare-and-set conflicts both ways, deletes, and the negative controls.
func checkBigPair(t *testing.T, p bigPair) {
	ctx := context.Background()

	t.Run("GoWritesKylinReads", func(t *testing.T) {
		for _, c := range [][]byte{bigContent(bigSize, 1), {}} {
			path := fmt.Sprintf("/compat/big/g2k-%d.dict", len(c))
			want, err := p.goPut(ctx, path, c, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.bothSee(ctx, want); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("KylinWritesGoReads", func(t *testing.T) {
		path := "/compat/big/k2g.dict"
		want, err := p.kylinPut(path, bigContent(bigSize, 2), 0, time.Now().UnixMilli())
		if err != nil {
			t.Fatal(err)
		}
		if err := p.bothSee(ctx, want); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("CompareAndSetBothWays", func(t *testing.T) {
		if err := checkBigCAS(ctx, p, "/compat/big/cas/ü b.snap"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Deletes", func(t *testing.T) {
		if err := checkBigDeletes(ctx, p, "/compat/big/del"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Touch", func(t *testing.T) {
		if err := checkBigTouch(ctx, p, "/compat/big/touch"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("NegativeCorruptedFile", func(t *testing.T) {
		want, err := p.goPut(ctx, "/compat/big/neg-file.dict", bigContent(bigSize, 5), 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.corrupt(ctx, want.Path, bigSize/2); err != nil {
			t.Fatalf("corrupting %s: %v", p.file(want.Path), err)
		}
		if err := p.bothSee(ctx, want); err == nil || !strings.Contains(err.Error(), "kylin getResource") ||
			!strings.Contains(err.Error(), "content differs") {
			t.Fatalf("Kylin's read of a file with one byte changed passed the check: %v", err)
		}
		r, err := p.s.Get(ctx, want.Path)
		if err != nil {
			t.Fatal(err)
		}
		if err := sameResource("go Get", &r, want); err == nil || !strings.Contains(err.Error(), "content differs") {
			t.Fatalf("our read of a file with one byte changed passed the check: %v", err)
		}
	})
	t.Run("NegativeWrongTimestamp", func(t *testing.T) {
		want, err := p.goPut(ctx, "/compat/big/neg-ts.dict", bigContent(bigSize, 6), 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.k.touch(want.Path, want.Timestamp+1); err != nil {
			t.Fatal(err)
		}
		if err := p.bothSee(ctx, want); err == nil || !strings.Contains(err.Error(), "timestamp") {
			t.Fatalf("a timestamp off by 1 ms on a big cell passed the check: %v", err)
		}
		r, err := p.s.Get(ctx, want.Path)
		if err != nil {
			t.Fatal(err)
		}
		if err := sameResource("go Get", &r, want); err == nil || !strings.Contains(err.Error(), "timestamp") {
			t.Fatalf("our read of a big cell with a timestamp off by 1 ms passed the check: %v", err)
		}
	})
}

// checkBigCAS: a stale timestamp loses on either side, the winner's content
// stays whole for both, and each side's write moves the other forward.
func checkBigCAS(ctx context.Context, p bigPair, path string) error {
	cur, err := p.goPut(ctx, path, bigContent(bigSize, 3), 0)
	if err != nil {
		return err
	}
	stale := p.staleCAS
	if stale == "" {
		stale = "WriteConflictException"
	}
	if _, err := p.kylinCAS(path, bigContent(bigSize, 30), cur.Timestamp-1, cur.Timestamp+1); !isJava(err, stale) {
		return fmt.Errorf("kylin checkAndPutResource over a stale timestamp: %v, want %s", err, stale)
	}
	if err := p.bothSee(ctx, cur); err != nil {
		return fmt.Errorf("after Kylin's lost compare-and-set: %w", err)
	}
	old := cur
	if cur, err = p.kylinPut(path, bigContent(bigSize, 4), old.Timestamp, old.Timestamp+1000); err != nil {
		return err
	}
	if _, err := p.s.Put(ctx, path, bigContent(bigSize, 40), old.Timestamp); !errors.Is(err, metastore.ErrConflict) {
		return fmt.Errorf("go Put over the timestamp Kylin replaced: %v, want ErrConflict", err)
	}
	if err := p.bothSee(ctx, cur); err != nil {
		return fmt.Errorf("after our lost compare-and-set: %w", err)
	}
	if cur, err = p.goPut(ctx, path, bigContent(bigSize, 41), cur.Timestamp); err != nil {
		return err
	}
	return p.bothSee(ctx, cur)
}

// checkBigDeletes: a big cell deleted by either side is gone for both, its
// HDFS file with it, whoever wrote it.
func checkBigDeletes(ctx context.Context, p bigPair, folder string) error {
	byGo, err := p.kylinPut(folder+"/kylin-wrote.dict", bigContent(bigSize, 7), 0, time.Now().UnixMilli())
	if err != nil {
		return err
	}
	if err := p.s.Delete(ctx, byGo.Path); err != nil {
		return fmt.Errorf("go Delete %s: %w", byGo.Path, err)
	}
	if err := p.neitherSees(ctx, byGo.Path); err != nil {
		return fmt.Errorf("after our delete: %w", err)
	}
	byKylin, err := p.goPut(ctx, folder+"/go-wrote.dict", bigContent(bigSize, 8), 0)
	if err != nil {
		return err
	}
	if err := p.k.delete(byKylin.Path); err != nil {
		return fmt.Errorf("kylin deleteResource %s: %w", byKylin.Path, err)
	}
	if err := p.neitherSees(ctx, byKylin.Path); err != nil {
		return fmt.Errorf("after Kylin's delete: %w", err)
	}
	return nil
}
