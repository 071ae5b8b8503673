package hbase

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire/wiretest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeCluster serves hbase:meta and the regions of table "t" from one fake
// server. regions maps start key -> region name; rows is the table data.
type fakeCluster struct {
	srv *wiretest.Server

	mu          sync.Mutex
	regions     []fakeRegion
	rows        map[string]string
	inject      func(c *wiretest.Call, region string) bool // true: handled (an injected fault)
	scans       map[uint64]*fakeScanner
	nextID      uint64
	regionsSeen []string
	metaPlan    []fakeRegion // answers of the next meta lookups, before regions
}

// fakeRegion is one region; an unassigned one has no server in hbase:meta.
type fakeRegion struct {
	name, start, end string
	unassigned       bool
}

type fakeScanner struct {
	region fakeRegion
	next   string
	stop   string
}

func newFakeCluster(t *testing.T, regions ...fakeRegion) (*fakeCluster, *Client) {
	fc := &fakeCluster{regions: regions, rows: map[string]string{}, scans: map[uint64]*fakeScanner{}}
	fc.srv = wiretest.NewServer(t, fc.handle)
	cl, err := New(Config{RPCTimeout: 2 * time.Second, Retries: 5, Pause: time.Millisecond, MaxPause: 10 * time.Millisecond},
		WithLocator(StaticLocator{Meta: fc.srv.Addr(), MasterAddr: fc.srv.Addr()}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return fc, cl
}

func oneRegion(name string) fakeRegion { return fakeRegion{name: name} }

func (fc *fakeCluster) setRegions(rs ...fakeRegion) {
	fc.mu.Lock()
	fc.regions = rs
	fc.mu.Unlock()
}

func (fc *fakeCluster) setInject(f func(c *wiretest.Call, region string) bool) {
	fc.mu.Lock()
	fc.inject = f
	fc.mu.Unlock()
}

func (fc *fakeCluster) handle(c *wiretest.Call) {
	switch c.Method {
	case "Get":
		var req pb.GetRequest
		proto.Unmarshal(c.Param, &req)
		if fc.injected(c, string(req.GetRegion().GetValue())) {
			return
		}
		fc.mu.Lock()
		v, ok := fc.rows[string(req.GetGet().GetRow())]
		fc.mu.Unlock()
		res := &pb.Result{}
		if ok {
			res.Cell = []*pb.Cell{{Row: req.GetGet().GetRow(), Family: []byte("f"), Qualifier: []byte("c"), Value: []byte(v)}}
		}
		c.Reply(&pb.GetResponse{Result: res})
	case "Mutate":
		var req pb.MutateRequest
		proto.Unmarshal(c.Param, &req)
		if fc.injected(c, string(req.GetRegion().GetValue())) {
			return
		}
		c.Reply(&pb.MutateResponse{Processed: proto.Bool(true)})
	case "Scan":
		fc.scan(c)
	case "Multi":
		fc.multi(c)
	default:
		c.Fail("org.apache.hadoop.hbase.exceptions.UnknownProtocolException", true)
	}
}

func (fc *fakeCluster) injected(c *wiretest.Call, region string) bool {
	fc.mu.Lock()
	fc.regionsSeen = append(fc.regionsSeen, region)
	f := fc.inject
	fc.mu.Unlock()
	return f != nil && f(c, region)
}

func (fc *fakeCluster) scan(c *wiretest.Call) {
	var req pb.ScanRequest
	proto.Unmarshal(c.Param, &req)
	if string(req.GetRegion().GetValue()) == string(metaRegionName) {
		fc.metaLookup(c, &req)
		return
	}
	if req.Scan == nil && fc.injected(c, "scanner") {
		return
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	var sc *fakeScanner
	id := req.GetScannerId()
	if req.Scan != nil {
		fr, ok := fc.regionNamed(string(req.GetRegion().GetValue()))
		if !ok {
			c.Fail("org.apache.hadoop.hbase.NotServingRegionException", false)
			return
		}
		fc.nextID++
		id = fc.nextID
		sc = &fakeScanner{region: fr, next: string(req.GetScan().GetStartRow()), stop: string(req.GetScan().GetStopRow())}
		fc.scans[id] = sc
	} else if sc = fc.scans[id]; sc == nil {
		c.Fail("org.apache.hadoop.hbase.UnknownScannerException", true)
		return
	}
	resp := &pb.ScanResponse{ScannerId: proto.Uint64(id), MoreResults: proto.Bool(true)}
	keys := fc.sortedKeys()
	for _, k := range keys {
		if len(resp.Results) == int(req.GetNumberOfRows()) {
			break
		}
		if k < sc.next || (sc.region.end != "" && k >= sc.region.end) || (sc.stop != "" && k >= sc.stop) {
			continue
		}
		resp.Results = append(resp.Results, &pb.Result{Cell: []*pb.Cell{{Row: []byte(k), Family: []byte("f"), Qualifier: []byte("c"), Value: []byte(fc.rows[k])}}})
		sc.next = k + "\x00"
	}
	more := false
	for _, k := range keys {
		if k >= sc.next && (sc.region.end == "" || k < sc.region.end) && (sc.stop == "" || k < sc.stop) {
			more = true
		}
	}
	resp.MoreResultsInRegion = proto.Bool(more)
	if !more {
		delete(fc.scans, id)
	}
	c.Reply(resp)
}

func (fc *fakeCluster) sortedKeys() []string {
	keys := make([]string, 0, len(fc.rows))
	for k := range fc.rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (fc *fakeCluster) regionNamed(name string) (fakeRegion, bool) {
	for _, r := range fc.regions {
		if r.name == name {
			return r, true
		}
	}
	return fakeRegion{}, false
}

// metaLookup answers the reversed one-row scan of locate.
func (fc *fakeCluster) metaLookup(c *wiretest.Call, req *pb.ScanRequest) {
	start := string(req.GetScan().GetStartRow())
	row := strings.TrimSuffix(strings.TrimPrefix(start, "t,"), ",99999999999999")
	fc.mu.Lock()
	defer fc.mu.Unlock()
	var best *fakeRegion
	for i, r := range fc.regions {
		if r.start <= row && (best == nil || r.start > best.start) {
			best = &fc.regions[i]
		}
	}
	if len(fc.metaPlan) > 0 {
		best = &fc.metaPlan[0]
		fc.metaPlan = fc.metaPlan[1:]
	}
	resp := &pb.ScanResponse{MoreResultsInRegion: proto.Bool(false)}
	if best != nil {
		server := fc.srv.Addr()
		if best.unassigned {
			server = ""
		}
		resp.Results = []*pb.Result{{Cell: metaCells(best.name, "t", 1, []byte(best.start), []byte(best.end), server)}}
	}
	c.Reply(resp)
}

func TestGetPutUseCachedRegion(t *testing.T) {
	fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	fc.rows["r1"] = "v1"
	ctx := context.Background()
	row, err := cl.Get(ctx, "t", []byte("r1"))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := row.Value("f", "c"); !ok || string(v) != "v1" {
		t.Fatalf("got %q %v", v, ok)
	}
	if err := cl.Put(ctx, "t", []byte("r2"), []Cell{{Family: "f", Qualifier: "c", Value: []byte("x")}}); err != nil {
		t.Fatal(err)
	}
	if n := fc.srv.Count("Scan"); n != 1 {
		t.Fatalf("hbase:meta scanned %d times for two calls in one region, want 1", n)
	}
}

func TestNotServingRegionRelocates(t *testing.T) {
	fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	ctx := context.Background()
	if _, err := cl.Get(ctx, "t", []byte("r")); err != nil {
		t.Fatal(err)
	}
	// The region moves: its old name is no longer served.
	fc.setRegions(oneRegion("t,,2.b."))
	fc.setInject(func(c *wiretest.Call, region string) bool {
		if region == "t,,1.a." {
			c.Fail("org.apache.hadoop.hbase.NotServingRegionException", false)
			return true
		}
		return false
	})
	if _, err := cl.Get(ctx, "t", []byte("r")); err != nil {
		t.Fatal(err)
	}
	fc.mu.Lock()
	seen := strings.Join(fc.regionsSeen, " ")
	fc.mu.Unlock()
	if seen != "t,,1.a. t,,1.a. t,,2.b." || fc.srv.Count("Scan") != 2 {
		t.Fatalf("regions used %q, meta scans %d", seen, fc.srv.Count("Scan"))
	}
}

func TestBusyRegionKeepsCache(t *testing.T) {
	fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	var mu sync.Mutex
	fails := 2
	fc.setInject(func(c *wiretest.Call, _ string) bool {
		mu.Lock()
		defer mu.Unlock()
		if fails > 0 {
			fails--
			c.Fail("org.apache.hadoop.hbase.RegionTooBusyException", false)
			return true
		}
		return false
	})
	if _, err := cl.Get(context.Background(), "t", []byte("r")); err != nil {
		t.Fatal(err)
	}
	if fc.srv.Count("Get") != 3 || fc.srv.Count("Scan") != 1 {
		t.Fatalf("gets %d meta scans %d, want 3 and 1", fc.srv.Count("Get"), fc.srv.Count("Scan"))
	}
}

func TestDoNotRetrySurfaces(t *testing.T) {
	fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	fc.setInject(func(c *wiretest.Call, _ string) bool {
		c.Fail("org.apache.hadoop.hbase.regionserver.NoSuchColumnFamilyException", true)
		return true
	})
	_, err := cl.Get(context.Background(), "t", []byte("r"))
	var re *RemoteError
	if !errors.As(err, &re) || !strings.HasSuffix(re.Class, "NoSuchColumnFamilyException") {
		t.Fatalf("got %v", err)
	}
	if n := fc.srv.Count("Get"); n != 1 {
		t.Fatalf("a do-not-retry error was sent %d times", n)
	}
}

func TestRetriesAreBounded(t *testing.T) {
	fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	fc.setInject(func(c *wiretest.Call, _ string) bool {
		c.Fail("org.apache.hadoop.hbase.RegionTooBusyException", false)
		return true
	})
	_, err := cl.Get(context.Background(), "t", []byte("r"))
	if err == nil || fc.srv.Count("Get") != 6 {
		t.Fatalf("err %v after %d attempts, want an error after 1+5", err, fc.srv.Count("Get"))
	}
}

func TestLostConnectionRetriesIdempotentCalls(t *testing.T) {
	fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	var mu sync.Mutex
	dropped := false
	fc.setInject(func(c *wiretest.Call, _ string) bool {
		mu.Lock()
		defer mu.Unlock()
		if !dropped {
			dropped = true
			c.Drop()
			return true
		}
		return false
	})
	if _, err := cl.Get(context.Background(), "t", []byte("r")); err != nil {
		t.Fatal(err)
	}
	// The region cache of the lost server was dropped: meta looked up again.
	if fc.srv.Count("Get") != 2 || fc.srv.Count("Scan") != 2 {
		t.Fatalf("gets %d meta scans %d, want 2 and 2", fc.srv.Count("Get"), fc.srv.Count("Scan"))
	}
}

func TestLostConnectionCheckAndPutIsUnknown(t *testing.T) {
	fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	fc.setInject(func(c *wiretest.Call, _ string) bool { c.Drop(); return true })
	_, err := cl.CheckAndPut(context.Background(), "t", []byte("r"), Condition{Family: "f", Qualifier: "t"},
		[]Cell{{Family: "f", Qualifier: "c", Value: []byte("v")}})
	if !errors.Is(err, ErrUnknownOutcome) {
		t.Fatalf("got %v, want ErrUnknownOutcome", err)
	}
	if n := fc.srv.Count("Mutate"); n != 1 {
		t.Fatalf("a check-and-put of unknown outcome was sent %d times", n)
	}
}

func TestCallReturnsAtDeadline(t *testing.T) {
	fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	fc.setInject(func(c *wiretest.Call, _ string) bool { return true }) // never answers
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := cl.Get(ctx, "t", []byte("r"))
	if err != context.DeadlineExceeded {
		t.Fatalf("got %v, want the caller's context.DeadlineExceeded unwrapped", err)
	}
}

func TestConcurrentCallsMatchedByID(t *testing.T) {
	const n = 16
	fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	for i := range n {
		fc.rows[fmt.Sprint("r", i)] = fmt.Sprint("v", i)
	}
	// Hold every Get until all have arrived, then answer in reverse order.
	var mu sync.Mutex
	var held []*wiretest.Call
	fc.setInject(func(c *wiretest.Call, _ string) bool {
		mu.Lock()
		defer mu.Unlock()
		held = append(held, c)
		if len(held) == n {
			for i := len(held) - 1; i >= 0; i-- {
				fc.setInject(nil)
				fc.handle(held[i])
			}
		}
		return true
	})
	// Locate first so that all Gets go out on one connection.
	if _, err := cl.locate(context.Background(), "t", []byte("r")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			row, err := cl.Get(context.Background(), "t", []byte(fmt.Sprint("r", i)))
			if v, _ := row.Value("f", "c"); err != nil || string(v) != fmt.Sprint("v", i) {
				errs <- fmt.Errorf("get r%d: %q %v", i, v, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestScanAcrossRegionsResumesAfterFailure(t *testing.T) {
	fc, cl := newFakeCluster(t,
		fakeRegion{name: "t,,1.a.", end: "h"},
		fakeRegion{name: "t,h,1.b.", start: "h", end: "p"},
		fakeRegion{name: "t,p,1.c.", start: "p"})
	var want []string
	for c := 'a'; c <= 'z'; c++ {
		fc.rows[string(c)] = "v"
		if c >= 'c' && c < 'x' {
			want = append(want, string(c))
		}
	}
	var mu sync.Mutex
	nexts := 0
	fc.setInject(func(c *wiretest.Call, _ string) bool {
		mu.Lock()
		defer mu.Unlock()
		if nexts++; nexts == 2 { // lose the scanner in the middle of a region
			c.Fail("org.apache.hadoop.hbase.UnknownScannerException", true)
			return true
		}
		return false
	})
	var got []string
	err := cl.Scan(context.Background(), "t", ScanOptions{Start: []byte("c"), Stop: []byte("x"), Rows: 2},
		func(r Row) error { got = append(got, string(r.Key)); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "") != strings.Join(want, "") {
		t.Fatalf("scan returned %q, want %q", strings.Join(got, ""), strings.Join(want, ""))
	}
}

func TestScanCallbackErrorStops(t *testing.T) {
	fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	for _, k := range []string{"a", "b", "c"} {
		fc.rows[k] = "v"
	}
	stop := errors.New("enough")
	n := 0
	err := cl.Scan(context.Background(), "t", ScanOptions{Rows: 1}, func(Row) error { n++; return stop })
	if err != stop || n != 1 {
		t.Fatalf("got %v after %d rows", err, n)
	}
}

func TestClosedClient(t *testing.T) {
	_, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	if _, err := cl.Get(context.Background(), "t", []byte("r")); err != nil {
		t.Fatal(err)
	}
	if err := cl.Close(); err != nil {
		t.Fatal(err)
	}
	if err := cl.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := cl.Get(context.Background(), "t", []byte("r")); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	_, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	ctx := context.Background()
	if _, err := cl.Get(ctx, "t", nil); err == nil || !strings.Contains(err.Error(), "row key") {
		t.Errorf("empty row: %v", err)
	}
	if err := cl.Put(ctx, "t", []byte("r"), nil); err == nil {
		t.Error("put without cells accepted")
	}
	if _, err := cl.Get(ctx, "t", bytes.Repeat([]byte("x"), maxRowLen+1)); err == nil {
		t.Error("oversized row accepted")
	}
	if err := cl.CreateTable(ctx, TableSpec{Name: "x"}); err == nil {
		t.Error("table without families accepted")
	}
	if _, err := New(Config{Quorum: " , "}); err == nil {
		t.Error("empty quorum accepted")
	}
}

// metaCells builds the info cells of an hbase:meta row for a region.
func metaCells(name string, table string, id uint64, start, end []byte, server string) []*pb.Cell {
	ri, _ := proto.Marshal(&pb.RegionInfo{
		RegionId: proto.Uint64(id), TableName: tableName(table), StartKey: start, EndKey: end,
	})
	cells := []*pb.Cell{{Row: []byte(name), Family: []byte("info"), Qualifier: []byte("regioninfo"),
		Value: append([]byte("PBUF"), ri...)}}
	if server != "" {
		cells = append(cells, &pb.Cell{Row: []byte(name), Family: []byte("info"), Qualifier: []byte("server"),
			Value: []byte(server)})
	}
	return cells
}

// TestScanSlowConsumerOutlivesOperationTimeout: the operation timeout
// bounds the time without progress, not a whole region's scan. A backup
// that fsyncs every row took longer than a minute over one region and
// failed with "gave up after 1 attempts (operation timeout 1m0s)".
func TestScanSlowConsumerOutlivesOperationTimeout(t *testing.T) {
	for _, lose := range []bool{false, true} {
		fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
		cl.cfg.OperationTimeout = 150 * time.Millisecond
		for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
			fc.rows[k] = "v"
		}
		var mu sync.Mutex
		nexts := 0
		fc.setInject(func(c *wiretest.Call, _ string) bool {
			mu.Lock()
			defer mu.Unlock()
			if nexts++; lose && nexts == 4 { // the scanner is lost after rows came
				c.Fail("org.apache.hadoop.hbase.UnknownScannerException", true)
				return true
			}
			return false
		})
		var got []string
		err := cl.Scan(context.Background(), "t", ScanOptions{Rows: 1}, func(r Row) error {
			time.Sleep(60 * time.Millisecond) // 6 rows: 360 ms, over the 150 ms timeout
			got = append(got, string(r.Key))
			return nil
		})
		if err != nil {
			t.Fatalf("lose scanner %v: a slow consumer failed the scan: %v", lose, err)
		}
		if strings.Join(got, "") != "abcdef" {
			t.Fatalf("lose scanner %v: scan returned %q, want abcdef", lose, strings.Join(got, ""))
		}
	}
}
