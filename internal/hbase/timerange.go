package hbase

import (
	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

// TimeRange limits a Scan to the cells whose timestamp (milliseconds) lies
// in [From, To); To 0 is no upper bound. The region server also skips
// every store file and memstore segment whose cells all lie outside it,
// which is what makes it cheap: a scan of recent cells does not read the
// files that hold only old ones. A row none of whose cells is inside is not
// returned; a row is returned with only its cells inside, and for each
// column the newest version inside the range.
type TimeRange struct {
	From, To uint64
}

// pbTimeRange encodes the range; nil (all time) for a nil range.
func (t *TimeRange) pbTimeRange() *pb.TimeRange {
	if t == nil {
		return nil
	}
	tr := &pb.TimeRange{From: proto.Uint64(t.From)}
	if t.To != 0 {
		tr.To = proto.Uint64(t.To)
	}
	return tr
}
