package hbase

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire"
)

// Column names a family, or one qualifier of it when Qualifier is not empty.
type Column struct {
	Family    string
	Qualifier string
}

// Cell is one value of a row.
type Cell struct {
	Family    string
	Qualifier string
	Value     []byte
	Timestamp uint64 // 0 in a Put: the server's clock
}

// Row is what Get and Scan return: the row key and its newest cells.
type Row struct {
	Key   []byte
	Cells []Cell
}

// Value returns the value of family:qualifier and whether the row has it.
func (r Row) Value(family, qualifier string) ([]byte, bool) {
	for _, c := range r.Cells {
		if c.Family == family && c.Qualifier == qualifier {
			return c.Value, true
		}
	}
	return nil, false
}

// Condition is the check of CheckAndPut and CheckAndDelete: the newest
// value of Family:Qualifier equals Value, or, when Value is nil, the cell
// is absent (HBase also counts a present empty value as absent).
type Condition struct {
	Family    string
	Qualifier string
	Value     []byte
}

// Get reads row of table; columns limit the answer (none = every family).
// A missing row gives a Row with no cells and no error.
func (c *Client) Get(ctx context.Context, table string, row []byte, columns ...Column) (Row, error) {
	if err := checkRow(row); err != nil {
		return Row{}, err
	}
	var out Row
	err := c.do(ctx, table, fixed(row), true, func(ctx context.Context, cn *wire.Conn, r *region) error {
		req := &pb.GetRequest{Region: regionSpec(r.Name), Get: &pb.Get{Row: row, Column: pbColumns(columns)}}
		resp := getResult{key: row}
		if err := c.invoke(ctx, cn, "Get", req, &resp); err != nil {
			return err
		}
		out = resp.row
		return nil
	})
	return out, err
}

// Put writes cells into row. Retried after an unknown outcome (a Put of the
// same cells is idempotent).
func (c *Client) Put(ctx context.Context, table string, row []byte, cells []Cell) error {
	m, err := putMutation(row, cells)
	if err != nil {
		return err
	}
	_, err = c.mutate(ctx, table, m, nil, true)
	return err
}

// Delete removes every cell of row.
func (c *Client) Delete(ctx context.Context, table string, row []byte) error {
	if err := checkRow(row); err != nil {
		return err
	}
	_, err := c.mutate(ctx, table, deleteMutation(row), nil, true)
	return err
}

// CheckAndPut writes cells into row if cond holds, atomically, and reports
// whether it did. It is not repeated after an attempt whose outcome is
// unknown: that error wraps ErrUnknownOutcome, and the caller decides by
// reading the row.
func (c *Client) CheckAndPut(ctx context.Context, table string, row []byte, cond Condition, cells []Cell) (bool, error) {
	m, err := putMutation(row, cells)
	if err != nil {
		return false, err
	}
	return c.mutate(ctx, table, m, condition(row, cond), false)
}

// CheckAndDelete deletes row if cond holds, atomically; like CheckAndPut.
func (c *Client) CheckAndDelete(ctx context.Context, table string, row []byte, cond Condition) (bool, error) {
	if err := checkRow(row); err != nil {
		return false, err
	}
	return c.mutate(ctx, table, deleteMutation(row), condition(row, cond), false)
}

func (c *Client) mutate(ctx context.Context, table string, m *pb.MutationProto, cond *pb.Condition, idempotent bool) (bool, error) {
	var processed bool
	err := c.do(ctx, table, fixed(m.Row), idempotent, func(ctx context.Context, cn *wire.Conn, r *region) error {
		req := &pb.MutateRequest{Region: regionSpec(r.Name), Mutation: m, Condition: cond}
		var resp pb.MutateResponse
		if err := c.invoke(ctx, cn, "Mutate", req, &resp); err != nil {
			return err
		}
		processed = resp.GetProcessed()
		return nil
	})
	return processed, err
}

// maxRowLen is HBase's row key limit (Short.MAX_VALUE).
const maxRowLen = 32767

func checkRow(row []byte) error {
	if len(row) == 0 || len(row) > maxRowLen {
		return fmt.Errorf("hbase: row key of %d bytes: must be 1 to %d bytes", len(row), maxRowLen)
	}
	return nil
}

func putMutation(row []byte, cells []Cell) (*pb.MutationProto, error) {
	if err := checkRow(row); err != nil {
		return nil, err
	}
	if len(cells) == 0 {
		return nil, fmt.Errorf("hbase: put of row %q without cells: give at least one", row)
	}
	byFamily := map[string]*pb.MutationProto_ColumnValue{}
	m := &pb.MutationProto{Row: row, MutateType: pb.MutationProto_PUT.Enum()}
	for _, cell := range cells {
		cv := byFamily[cell.Family]
		if cv == nil {
			cv = &pb.MutationProto_ColumnValue{Family: []byte(cell.Family)}
			byFamily[cell.Family] = cv
			m.ColumnValue = append(m.ColumnValue, cv)
		}
		qv := &pb.MutationProto_ColumnValue_QualifierValue{
			Qualifier: []byte(cell.Qualifier),
			Value:     nonNil(cell.Value), // presence is required, even when empty
		}
		if cell.Timestamp != 0 {
			qv.Timestamp = proto.Uint64(cell.Timestamp)
		}
		cv.QualifierValue = append(cv.QualifierValue, qv)
	}
	return m, nil
}

func deleteMutation(row []byte) *pb.MutationProto {
	return &pb.MutationProto{Row: row, MutateType: pb.MutationProto_DELETE.Enum()}
}

const binaryComparator = "org.apache.hadoop.hbase.filter.BinaryComparator"

func condition(row []byte, cond Condition) *pb.Condition {
	cmp, _ := proto.Marshal(&pb.BinaryComparator{Comparable: &pb.ByteArrayComparable{Value: cond.Value}})
	return &pb.Condition{
		Row:         row,
		Family:      []byte(cond.Family),
		Qualifier:   []byte(cond.Qualifier),
		CompareType: pb.CompareType_EQUAL.Enum(),
		Comparator:  &pb.Comparator{Name: proto.String(binaryComparator), SerializedComparator: cmp},
	}
}

func pbColumns(cols []Column) []*pb.Column {
	byFamily := map[string]*pb.Column{}
	var out []*pb.Column
	for _, col := range cols {
		pc := byFamily[col.Family]
		if pc == nil {
			pc = &pb.Column{Family: []byte(col.Family)}
			byFamily[col.Family] = pc
			out = append(out, pc)
		}
		if col.Qualifier != "" {
			pc.Qualifier = append(pc.Qualifier, []byte(col.Qualifier))
		}
	}
	return out
}

func rowFromResult(key []byte, res *pb.Result) Row {
	out := Row{Key: key}
	for _, c := range res.GetCell() {
		if len(out.Key) == 0 {
			out.Key = c.GetRow()
		}
		out.Cells = append(out.Cells, Cell{
			Family: string(c.GetFamily()), Qualifier: string(c.GetQualifier()),
			Value: nonNil(c.GetValue()), Timestamp: c.GetTimestamp(),
		})
	}
	return out
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func fixed(row []byte) func() []byte { return func() []byte { return row } }
