package hdfsstore

import (
	"context"
	"strings"
	"testing"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/internal/hdfsfs"
	"github.com/kylin-go/kylin/metastore"
)

// TestKylinLayout opens the store by metadata URL and checks what Kylin's
// HDFSResourceStore reads: the file <path>/<resource> with the content, and
// the resource's timestamp as the file's modification time, to the
// millisecond. Nothing of ours is inside the metadata directory.
func TestKylinLayout(t *testing.T) {
	ctx := context.Background()
	dir := testDir(t)
	s, err := metastore.Open(ctx, "kylin_metadata@hdfs,path="+dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts, err := s.Put(ctx, "/cube/c1.json", []byte(`{"name":"c1"}`), 0)
	if err != nil {
		t.Fatal(err)
	}
	d := metastore.DriverOf(s).(*store)
	var got []byte
	var mtime int64
	var top []string
	err = d.fs.Do(ctx, func(c *hdfs.Client) error {
		b, fi, err := hdfsfs.ReadFile(c, d.root+"/cube/c1.json")
		if err != nil {
			return err
		}
		got, mtime = b, hdfsfs.ModMillis(fi)
		fis, err := c.ReadDir(d.root)
		for _, fi := range fis {
			top = append(top, fi.Name())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"name":"c1"}` || mtime != ts {
		t.Fatalf("file holds %q with mtime %d; want the content with mtime %d", got, mtime, ts)
	}
	if strings.Join(top, ",") != "UUID,cube" {
		t.Fatalf("metadata directory holds %v, want [UUID cube]", top)
	}
}

func TestOpenURLErrors(t *testing.T) {
	ctx := context.Background()
	for url, want := range map[string]string{
		"m@hdfs":                                "missing path",
		"m@hdfs,path=/kylin/meta":               "want hdfs://namenode:port/directory",
		"m@hdfs,path=hdfs://nn/kylin":           "want hdfs://namenode:port/directory",
		"m@hdfs,path=hdfs://nn:8020/":           "must not be the root",
		"m@hdfs,path=hdfs://nn:8020/x,user=kyl": "unknown parameters [user]",
	} {
		s, err := metastore.Open(ctx, url)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", url)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%q) = %v; want an error containing %q", url, err, want)
		}
	}
}
