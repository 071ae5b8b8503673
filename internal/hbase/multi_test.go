package hbase

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire/wiretest"
)

const (
	classNoFamily = "org.apache.hadoop.hbase.regionserver.NoSuchColumnFamilyException"
	classNotServe = "org.apache.hadoop.hbase.NotServingRegionException"
)

// multi answers a Multi call: every action of a region the cluster serves
// is applied (f:c into rows) unless fc.inject handled the call.
func (fc *fakeCluster) multi(c *wiretest.Call) {
	var req pb.MultiRequest
	proto.Unmarshal(c.Param, &req)
	ras := req.GetRegionAction()
	if len(ras) > 0 && fc.injected(c, string(ras[0].GetRegion().GetValue())) {
		return
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	resp := &pb.MultiResponse{}
	for _, ra := range ras {
		rar := &pb.RegionActionResult{}
		if _, ok := fc.regionNamed(string(ra.GetRegion().GetValue())); !ok {
			rar.Exception = exception(classNotServe, "region gone")
		} else {
			for _, a := range ra.GetAction() {
				fc.apply(a.GetMutation())
				rar.ResultOrException = append(rar.ResultOrException, &pb.ResultOrException{Index: a.Index, Result: &pb.Result{}})
			}
		}
		resp.RegionActionResult = append(resp.RegionActionResult, rar)
	}
	c.Reply(resp)
}

func (fc *fakeCluster) apply(m *pb.MutationProto) {
	for _, cv := range m.GetColumnValue() {
		for _, qv := range cv.GetQualifierValue() {
			if string(cv.GetFamily()) == "f" && string(qv.GetQualifier()) == "c" {
				fc.rows[string(m.GetRow())] = string(qv.GetValue())
			}
		}
	}
}

func exception(class, msg string) *pb.NameBytesPair {
	return &pb.NameBytesPair{Name: proto.String(class), Value: []byte(class + ": " + msg + "\n\tat org.apache.Foo(Foo.java:1)")}
}

func rowPuts(n int) []RowPut {
	out := make([]RowPut, n)
	for i := range out {
		out[i] = RowPut{Row: fmt.Appendf(nil, "r%03d", i), Cells: []Cell{{Family: "f", Qualifier: "c", Value: fmt.Appendf(nil, "v%d", i)}}}
	}
	return out
}

// putViolations compares what PutMulti reported with what the server
// applied: a put reported written must be stored with its value.
func putViolations(fc *fakeCluster, puts []RowPut, errs []error) []string {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	var v []string
	for i, p := range puts {
		if (errs == nil || errs[i] == nil) && fc.rows[string(p.Row)] != string(p.Cells[0].Value) {
			v = append(v, fmt.Sprintf("%s reported written, not stored", p.Row))
		}
	}
	return v
}

// perActionFaults answers the first Multi call with exceptions for two of
// its actions (put 1 busy, put 2 a missing family) and applies the others;
// later calls are served normally.
func perActionFaults(fc *fakeCluster) {
	first := true
	fc.setInject(func(c *wiretest.Call, _ string) bool {
		if c.Method != "Multi" || !first {
			return false
		}
		first = false
		var req pb.MultiRequest
		proto.Unmarshal(c.Param, &req)
		rar := &pb.RegionActionResult{}
		fc.mu.Lock()
		for _, a := range req.RegionAction[0].Action {
			roe := &pb.ResultOrException{Index: a.Index}
			switch a.GetIndex() {
			case 1:
				roe.Exception = exception(classBusy, "too busy")
			case 2:
				roe.Exception = exception(classNoFamily, "no family x")
			default:
				fc.apply(a.Mutation)
				roe.Result = &pb.Result{}
			}
			rar.ResultOrException = append(rar.ResultOrException, roe)
		}
		fc.mu.Unlock()
		c.Reply(&pb.MultiResponse{RegionActionResult: []*pb.RegionActionResult{rar}})
		return true
	})
}

// TestPutMultiPerActionErrors: a busy action is sent again and written; an
// action refused for good fails alone, with its exception; the others are
// written in the first call. The control decodes the answer ignoring the
// per-action exceptions, and must be caught reporting unwritten puts.
func TestPutMultiPerActionErrors(t *testing.T) {
	ctx := context.Background()
	puts := rowPuts(5)
	fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	perActionFaults(fc)
	errs := cl.PutMulti(ctx, "t", puts)
	if errs == nil {
		t.Fatal("PutMulti reported every put written; put 2 was refused")
	}
	for i, err := range errs {
		var re *RemoteError
		switch {
		case i == 2 && (!errors.As(err, &re) || re.Class != classNoFamily || re.Message != "no family x"):
			t.Errorf("put 2: %v; want the %s with its message", err, classNoFamily)
		case i != 2 && err != nil:
			t.Errorf("put %d: %v; want written", i, err)
		}
	}
	if v := putViolations(fc, puts, errs); len(v) > 0 {
		t.Fatal(v)
	}
	if n := fc.srv.Count("Multi"); n != 2 {
		t.Fatalf("%d Multi calls; want 2 (the busy put sent again alone)", n)
	}

	// Control: a decoder blind to action exceptions.
	defer func() { multiDecode = multiResults }()
	multiDecode = func(resp *pb.MultiResponse, n int) ([]error, error) {
		out, err := multiResults(resp, n)
		if err == nil {
			out = make([]error, n)
		}
		return out, err
	}
	fc2, cl2 := newFakeCluster(t, oneRegion("t,,1.a."))
	perActionFaults(fc2)
	v := putViolations(fc2, puts, cl2.PutMulti(ctx, "t", puts))
	if len(v) == 0 {
		t.Fatal("control: a client ignoring per-action exceptions was not caught")
	}
	t.Logf("control caught: %v", v)
}

// TestPutMultiRegionMoved: an exception for the whole region relocates and
// sends every put again; puts of two regions go in two calls.
func TestPutMultiRegionMoved(t *testing.T) {
	ctx := context.Background()
	fc, cl := newFakeCluster(t, fakeRegion{name: "t,,1.a.", end: "r005"}, fakeRegion{name: "t,r005,1.b.", start: "r005"})
	puts := rowPuts(10)
	if errs := cl.PutMulti(ctx, "t", puts[:2]); errs != nil { // caches region a
		t.Fatal(errs)
	}
	fc.setRegions(fakeRegion{name: "t,,2.c.", end: "r005"}, fakeRegion{name: "t,r005,1.b.", start: "r005"})
	fc.mu.Lock()
	fc.regionsSeen = nil
	fc.mu.Unlock()
	if errs := cl.PutMulti(ctx, "t", puts); errs != nil {
		t.Fatal(errs)
	}
	if v := putViolations(fc, puts, nil); len(v) > 0 {
		t.Fatal(v)
	}
	fc.mu.Lock()
	seen := strings.Join(fc.regionsSeen, " ")
	fc.mu.Unlock()
	if seen != "t,,1.a. t,r005,1.b. t,,2.c." {
		t.Fatalf("regions called %q; want the moved one, the other, then the new location", seen)
	}
}

// TestPutMultiGivesUp: a put refused as busy every time fails after the
// retries, naming them; bad input fails that put alone.
func TestPutMultiGivesUp(t *testing.T) {
	fc, cl := newFakeCluster(t, oneRegion("t,,1.a."))
	fc.setInject(func(c *wiretest.Call, _ string) bool {
		if c.Method != "Multi" {
			return false
		}
		c.Reply(&pb.MultiResponse{RegionActionResult: []*pb.RegionActionResult{{Exception: exception(classBusy, "busy")}}})
		return true
	})
	puts := append(rowPuts(1), RowPut{Row: nil, Cells: []Cell{{Family: "f", Qualifier: "c"}}})
	errs := cl.PutMulti(context.Background(), "t", puts)
	if errs == nil || !strings.Contains(fmt.Sprint(errs[0]), "gave up after 6 attempts") || !strings.Contains(fmt.Sprint(errs[0]), classBusy) {
		t.Fatalf("put 0: %v; want gave up after 6 attempts with the busy exception", errs)
	}
	if !strings.Contains(fmt.Sprint(errs[1]), "row key of 0 bytes") {
		t.Fatalf("put 1: %v; want the bad row refused", errs[1])
	}
	if n := fc.srv.Count("Multi"); n != 6 {
		t.Fatalf("%d Multi calls; want 6", n)
	}
}

func TestMultiResults(t *testing.T) {
	roe := func(i uint32, x *pb.NameBytesPair) *pb.ResultOrException {
		return &pb.ResultOrException{Index: proto.Uint32(i), Exception: x}
	}
	one := func(rar *pb.RegionActionResult) *pb.MultiResponse {
		return &pb.MultiResponse{RegionActionResult: []*pb.RegionActionResult{rar}}
	}
	out, err := multiResults(one(&pb.RegionActionResult{ResultOrException: []*pb.ResultOrException{
		roe(2, nil), roe(0, exception(classBusy, "busy")), roe(3, exception(classNoFamily, "x")),
	}}), 4)
	if err != nil {
		t.Fatal(err)
	}
	var re *RemoteError
	if !errors.As(out[0], &re) || re.Class != classBusy || re.Message != "busy" || out[2] != nil ||
		!errors.Is(out[1], errNoResult) || !errors.Is(out[1], ErrUnknownOutcome) || !errors.As(out[3], &re) || re.Class != classNoFamily {
		t.Fatalf("got %v", out)
	}
	out, err = multiResults(one(&pb.RegionActionResult{Exception: exception(classNotServe, "moved")}), 2)
	if err != nil || len(out) != 2 || !errors.As(out[1], &re) || re.Class != classNotServe {
		t.Fatalf("region exception: %v, %v", out, err)
	}
	for name, resp := range map[string]*pb.MultiResponse{
		"no region":    {},
		"two regions":  {RegionActionResult: []*pb.RegionActionResult{{}, {}}},
		"index high":   one(&pb.RegionActionResult{ResultOrException: []*pb.ResultOrException{roe(2, nil)}}),
		"index absent": one(&pb.RegionActionResult{ResultOrException: []*pb.ResultOrException{{}}}),
		"index twice":  one(&pb.RegionActionResult{ResultOrException: []*pb.ResultOrException{roe(1, nil), roe(1, nil)}}),
	} {
		if _, err := multiResults(resp, 2); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v; want ErrMalformed", name, err)
		}
	}
}

// FuzzMultiResults: any answer decodes to one outcome per action or to
// ErrMalformed, without panicking.
func FuzzMultiResults(f *testing.F) {
	for _, m := range []*pb.MultiResponse{
		{RegionActionResult: []*pb.RegionActionResult{{ResultOrException: []*pb.ResultOrException{
			{Index: proto.Uint32(0), Result: &pb.Result{}}, {Index: proto.Uint32(1), Exception: exception(classBusy, "b")}}}}},
		{RegionActionResult: []*pb.RegionActionResult{{Exception: exception(classNotServe, "m")}}},
	} {
		b, _ := proto.Marshal(m)
		f.Add(b, uint8(2))
	}
	f.Fuzz(func(t *testing.T, body []byte, n uint8) {
		var resp pb.MultiResponse
		if proto.Unmarshal(body, &resp) != nil {
			return
		}
		out, err := multiResults(&resp, int(n))
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v; want ErrMalformed", err)
			}
			return
		}
		if len(out) != int(n) {
			t.Fatalf("%d outcomes for %d actions", len(out), n)
		}
		for _, e := range out {
			var re *RemoteError
			if e != nil && !errors.As(e, &re) && !errors.Is(e, errNoResult) {
				t.Fatalf("outcome %v", e)
			}
		}
	})
}
