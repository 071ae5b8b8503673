package hbase

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// getResult decodes a GetResponse body straight into a Row, without the
// protobuf runtime: a Get is the metastore's most frequent call, and the
// generic decoder's reflection and its per-field copies cost more client
// CPU than anything else on that path. It reads exactly what proto.Unmarshal
// into pb.GetResponse followed by rowFromResult would (FuzzGetResult checks
// the two against each other): fields it does not know, or known ones of an
// unexpected wire type, are skipped; a field given twice keeps its last
// value; an embedded message given twice is merged. Cell values are copied
// out of the frame, which is recycled once decoded.
type getResult struct {
	key []byte // the row asked for; a cell's row when empty
	row Row
}

func (g *getResult) DecodeRaw(b []byte) error {
	g.row = Row{Key: g.key}
	return eachField(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if num == 1 && typ == protowire.BytesType { // GetResponse.result
			return eachField(v, g.resultField)
		}
		return nil
	})
}

// resultField handles one field of a Result: cell (1) is the only one a
// row needs.
func (g *getResult) resultField(num protowire.Number, typ protowire.Type, v []byte) error {
	if num != 1 || typ != protowire.BytesType {
		return nil
	}
	var c Cell
	var row, value []byte
	err := eachField(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			row = v
		case num == 2 && typ == protowire.BytesType:
			c.Family = string(v)
		case num == 3 && typ == protowire.BytesType:
			c.Qualifier = string(v)
		case num == 4 && typ == protowire.VarintType:
			ts, n := protowire.ConsumeVarint(v)
			if n < 0 {
				return protowire.ParseError(n)
			}
			c.Timestamp = ts
		case num == 6 && typ == protowire.BytesType:
			value = v
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.Value = append([]byte{}, value...)
	if len(g.row.Key) == 0 && len(row) > 0 {
		g.row.Key = append([]byte(nil), row...)
	}
	g.row.Cells = append(g.row.Cells, c)
	return nil
}

// eachField calls fn with every field of the message b: its number, wire
// type, and value (the payload of a length-delimited field, the encoded
// value of any other).
func eachField(b []byte, fn func(protowire.Number, protowire.Type, []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return malformedGet(n)
		}
		if !num.IsValid() { // above 2^29-1: ConsumeTag lets it through, the runtime does not
			return fmt.Errorf("%w: Get response: field number %d out of range", ErrMalformed, num)
		}
		b = b[n:]
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return malformedGet(m)
		}
		v := b[:m]
		if typ == protowire.BytesType {
			v, _ = protowire.ConsumeBytes(b)
		}
		if err := fn(num, typ, v); err != nil {
			return err
		}
		b = b[m:]
	}
	return nil
}

func malformedGet(n int) error {
	return fmt.Errorf("%w: Get response: %v", ErrMalformed, protowire.ParseError(n))
}
