package hbasestore

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore"
)

func decodeStore() *tableStore {
	return &tableStore{external: "/kylin/kylin_metadata/resources"}
}

func TestResourceDecoding(t *testing.T) {
	s := decodeStore()
	row := func(cells ...hbase.Cell) hbase.Row { return hbase.Row{Key: []byte("/p"), Cells: cells} }
	c := func(v string) hbase.Cell { return hbase.Cell{Family: "f", Qualifier: "c", Value: []byte(v)} }
	ts := func(b []byte) hbase.Cell { return hbase.Cell{Family: "f", Qualifier: "t", Value: b} }
	r, err := s.decode(context.Background(), "/p", row(c("x"), ts(encodeTS(7))))
	if err != nil || string(r.Content) != "x" || r.Timestamp != 7 {
		t.Fatalf("got %+v %v", r, err)
	}
	if _, err := s.decode(context.Background(), "/p", row()); !errors.Is(err, metastore.ErrNotFound) {
		t.Errorf("empty row: %v", err)
	}
	if _, err := s.decode(context.Background(), "/p", row(c(""), ts(encodeTS(7)))); !errors.Is(err, metastore.ErrExternalContent) {
		t.Errorf("empty f:c: %v", err)
	}
	if _, err := s.decode(context.Background(), "/p", row(c("x"), ts([]byte{1, 2}))); err == nil {
		t.Error("a 2-byte f:t was accepted")
	}
	if _, err := s.decode(context.Background(), "/p", row(ts(encodeTS(1)))); err == nil {
		t.Error("a row without f:c was accepted")
	}
}

func FuzzResource(f *testing.F) {
	f.Add([]byte("{}"), encodeTS(1), true)
	f.Add([]byte{}, []byte{1}, false)
	f.Fuzz(func(t *testing.T, c, ts []byte, withTS bool) {
		cells := []hbase.Cell{{Family: "f", Qualifier: "c", Value: c}}
		if withTS {
			cells = append(cells, hbase.Cell{Family: "f", Qualifier: "t", Value: ts})
		}
		r, err := decodeStore().decode(context.Background(), "/p", hbase.Row{Cells: cells})
		if err == nil && (!bytes.Equal(r.Content, c) || len(c) == 0) {
			t.Fatalf("decoded %q from f:c %q", r.Content, c)
		}
	})
}

func FuzzURLParams(f *testing.F) {
	f.Add("kylin_metadata@hbase,hbase.zookeeper.quorum=h:1,hbase.rpc.timeout=3000")
	f.Add("x@hbase,hbase.zookeeper.quorum=,hbase.client.retries.number=-1")
	f.Fuzz(func(t *testing.T, url string) {
		u, err := config.ParseMetadataURL(url)
		if err != nil {
			return
		}
		cfg := config.Metastore{URL: url}.WithDefaults()
		hc, rows, err := clientConfig(cfg, u.Params)
		if err == nil && (hc.Quorum == "" || rows <= 0 || hc.RPCTimeout <= 0) {
			t.Fatalf("accepted %q as quorum %q rows %d timeout %v", url, hc.Quorum, rows, hc.RPCTimeout)
		}
	})
}
