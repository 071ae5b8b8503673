package hbase

import (
	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

// Java class names of the filters the server instantiates.
const (
	singleColumnValueFilter = "org.apache.hadoop.hbase.filter.SingleColumnValueFilter"
	filterList              = "org.apache.hadoop.hbase.filter.FilterList"
)

// ValueRange is a server-side scan filter: it keeps the rows whose latest
// value of Column lies in [From, To) in unsigned byte order. A nil From or
// To is no bound on that side. A row without the column is kept, so the
// caller sees it and decides what it means. Fixed-width big-endian
// encodings of non-negative integers (an 8-byte timestamp) compare in
// byte order as they do in number order.
type ValueRange struct {
	Column   Column
	From, To []byte
}

// pbFilter encodes the range as one SingleColumnValueFilter per bound,
// both in a MUST_PASS_ALL FilterList; nil when neither bound is set.
func (v *ValueRange) pbFilter() *pb.Filter {
	if v == nil {
		return nil
	}
	var fs []*pb.Filter
	if v.From != nil {
		fs = append(fs, v.bound(pb.CompareType_GREATER_OR_EQUAL, v.From))
	}
	if v.To != nil {
		fs = append(fs, v.bound(pb.CompareType_LESS, v.To))
	}
	switch len(fs) {
	case 0:
		return nil
	case 1:
		return fs[0]
	}
	list, _ := proto.Marshal(&pb.FilterList{Operator: pb.FilterList_MUST_PASS_ALL.Enum(), Filters: fs})
	return &pb.Filter{Name: proto.String(filterList), SerializedFilter: list}
}

// bound keeps rows whose value compares op against value.
func (v *ValueRange) bound(op pb.CompareType, value []byte) *pb.Filter {
	cmp, _ := proto.Marshal(&pb.BinaryComparator{Comparable: &pb.ByteArrayComparable{Value: value}})
	f, _ := proto.Marshal(&pb.SingleColumnValueFilter{
		ColumnFamily:      []byte(v.Column.Family),
		ColumnQualifier:   []byte(v.Column.Qualifier),
		CompareOp:         op.Enum(),
		Comparator:        &pb.Comparator{Name: proto.String(binaryComparator), SerializedComparator: cmp},
		FilterIfMissing:   proto.Bool(false),
		LatestVersionOnly: proto.Bool(true),
	})
	return &pb.Filter{Name: proto.String(singleColumnValueFilter), SerializedFilter: f}
}
