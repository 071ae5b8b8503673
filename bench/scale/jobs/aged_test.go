package jobs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/hbase"
)

// agedSkew is the clock-skew margin of the hbase-aged rows
// (kylin.go.metadata.hbase-clock-skew; the default is 5 minutes).
//
// The hbase-aged store is the hbase store with its history made old the
// way a real cluster's is: the seeded table is flushed into store files,
// and the rounds start once the margin has passed, so the seeded cells
// are older than any poll window less the margin and hbasestore's cell
// time range lets the region server skip their store files. A real
// history of months is old under the 5-minute default; the benchmark
// shortens the margin rather than wait 5 minutes per row. The base
// commit ignores the parameter and reads every row, as before.
const agedSkew = 10 * time.Second

// age flushes the table of an hbase-aged URL and waits out agedSkew.
func age(b *testing.B, url string) error {
	table, params, _ := strings.Cut(url, "@hbase,")
	quorum := ""
	for _, kv := range strings.Split(params, ",") {
		if v, ok := strings.CutPrefix(kv, "hbase.zookeeper.quorum="); ok {
			quorum = v
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cl, err := hbase.New(hbase.Config{Quorum: quorum})
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := cl.FlushTable(ctx, table); err != nil {
		return err
	}
	files, err := cl.StoreFiles(ctx, table, "f")
	if err != nil {
		return err
	}
	b.Logf("%s: flushed into %d store files; waiting %v (the margin) before measuring", table, len(files), agedSkew+2*time.Second)
	time.Sleep(agedSkew + 2*time.Second)
	return nil
}
