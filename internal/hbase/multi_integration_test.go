package hbase

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

// TestRealHBasePutMulti: puts over three regions in Multi calls, one of
// them into a column family the table does not have. The server refuses
// that action alone; PutMulti reports it with HBase's exception and every
// other put is stored. The control decodes the answers blind to action
// exceptions and must be caught reporting the refused put written.
func TestRealHBasePutMulti(t *testing.T) {
	cl := realClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := func(t *testing.T) (violations []string) {
		table := uniqueTable(t)
		spec := TableSpec{Name: table, Families: []FamilySpec{{Name: "f"}}, SplitKeys: [][]byte{[]byte("h"), []byte("p")}}
		if err := cl.CreateTable(ctx, spec); err != nil {
			t.Fatal(err)
		}
		var puts []RowPut
		for i := range 260 {
			row := fmt.Sprintf("%c%03d", 'a'+i%26, i)
			puts = append(puts, RowPut{Row: []byte(row), Cells: []Cell{{Family: "f", Qualifier: "c", Value: []byte("v" + row)}}})
		}
		const bad = 117
		puts[bad].Cells = []Cell{{Family: "nosuch", Qualifier: "c", Value: []byte("x")}}
		errs := cl.PutMulti(ctx, table, puts)
		for i, p := range puts {
			var err error
			if errs != nil {
				err = errs[i]
			}
			row, gerr := cl.Get(ctx, table, p.Row)
			if gerr != nil {
				t.Fatal(gerr)
			}
			v, stored := row.Value("f", "c")
			stored = stored && string(v) == string(p.Cells[0].Value)
			var re *RemoteError
			switch {
			case err == nil && !stored:
				violations = append(violations, fmt.Sprintf("%s reported written, not stored", p.Row))
			case i == bad && (!errors.As(err, &re) || re.Class != "org.apache.hadoop.hbase.regionserver.NoSuchColumnFamilyException"):
				violations = append(violations, fmt.Sprintf("%s: %v; want NoSuchColumnFamilyException", p.Row, err))
			case i != bad && err != nil:
				violations = append(violations, fmt.Sprintf("%s: %v", p.Row, err))
			}
		}
		return violations
	}
	if v := run(t); len(v) > 0 {
		t.Fatal(v)
	}
	defer func() { multiDecode = multiResults }()
	multiDecode = func(resp *pb.MultiResponse, n int) ([]error, error) {
		out, err := multiResults(resp, n)
		if err == nil {
			out = make([]error, n)
		}
		return out, err
	}
	v := run(t)
	if len(v) == 0 {
		t.Fatal("control: a client ignoring per-action exceptions was not caught")
	}
	t.Logf("control caught: %v", v)
}
