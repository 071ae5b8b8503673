package hbase

import (
	"bytes"
	"context"
	"errors"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire"
)

// ScanOptions selects the rows of a Scan.
type ScanOptions struct {
	Start   []byte   // first row, inclusive; empty = table start
	Stop    []byte   // end row, exclusive; empty = table end
	Columns []Column // none = every family
	// Rows per RPC (hbase.client.scanner.caching; default 1024) and the
	// byte bound of one RPC's answer (default 2 MiB).
	Rows          int
	MaxResultSize int64
	// Filter, when set, drops rows on the server (see ValueRange).
	Filter *ValueRange
	// TimeRange, when set, limits the scan to cells whose timestamp is in
	// it (see TimeRange).
	TimeRange *TimeRange
}

// PrefixStop returns the stop row of a scan over every row starting with
// prefix: prefix with trailing 0xFF bytes dropped and the last byte
// incremented; nil (to the table end) when nothing is left.
func PrefixStop(prefix []byte) []byte {
	p := bytes.Clone(prefix)
	for len(p) > 0 && p[len(p)-1] == 0xFF {
		p = p[:len(p)-1]
	}
	if len(p) == 0 {
		return nil
	}
	p[len(p)-1]++
	return p
}

// Scan calls fn for every row of table in [Start, Stop), in row order,
// region after region. Each row is delivered once: after a failure the
// scan reopens just past the last delivered row. An error from fn stops the
// scan and is returned as is.
func (c *Client) Scan(ctx context.Context, table string, opt ScanOptions, fn func(Row) error) error {
	if opt.Rows <= 0 {
		opt.Rows = 1024
	}
	if opt.MaxResultSize <= 0 {
		opt.MaxResultSize = 2 << 20
	}
	s := &scanState{c: c, ctx: ctx, opt: opt, fn: fn, next: bytes.Clone(opt.Start)}
	for !s.finished {
		err := c.do(ctx, table, func() []byte { return s.next }, true, s.region)
		var p progressedError
		if errors.As(err, &p) {
			continue // rows were delivered: a new operation from s.next
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// scanState is one Scan's progress: next is where the next scanner opens.
type scanState struct {
	c *Client
	// ctx is the caller's: the scanner's calls use it (each bounded by
	// Config.RPCTimeout) rather than the attempt's operation context, so
	// time spent in fn does not count against Config.OperationTimeout.
	ctx      context.Context
	opt      ScanOptions
	fn       func(Row) error
	next     []byte
	finished bool
}

// region scans the region r from s.next to its end (or Stop).
func (s *scanState) region(ctx context.Context, cn *wire.Conn, r *region) error {
	req := &pb.ScanRequest{
		Region: regionSpec(r.Name),
		Scan: &pb.Scan{
			Column: pbColumns(s.opt.Columns), StartRow: s.next, StopRow: s.opt.Stop, Filter: s.opt.Filter.pbFilter(),
			TimeRange:     s.opt.TimeRange.pbTimeRange(),
			MaxResultSize: proto.Uint64(uint64(s.opt.MaxResultSize)),
		},
		NumberOfRows: proto.Uint32(uint32(s.opt.Rows)),
	}
	delivered := false
	for {
		var resp pb.ScanResponse
		callCtx := ctx // before the first row: bounded by the operation
		if delivered {
			callCtx = s.ctx
		}
		if err := s.c.invoke(callCtx, cn, "Scan", req, &resp); err != nil {
			if delivered {
				return progressedError{err}
			}
			return err
		}
		delivered = delivered || len(resp.GetResults()) > 0
		if err := s.deliver(resp.GetResults()); err != nil {
			s.closeScanner(cn, resp.GetScannerId())
			return callbackError{err}
		}
		more := len(resp.GetResults()) > 0
		if resp.MoreResultsInRegion != nil {
			more = resp.GetMoreResultsInRegion()
		}
		if !more {
			s.regionDone(r, resp.MoreResults == nil || resp.GetMoreResults())
			return nil
		}
		req = &pb.ScanRequest{ScannerId: proto.Uint64(resp.GetScannerId()), NumberOfRows: proto.Uint32(uint32(s.opt.Rows))}
	}
}

// deliver hands rows to fn and moves s.next past each.
func (s *scanState) deliver(results []*pb.Result) error {
	for _, res := range results {
		row := rowFromResult(nil, res)
		if len(row.Key) == 0 {
			continue
		}
		if err := s.fn(row); err != nil {
			return err
		}
		s.next = append(bytes.Clone(row.Key), 0) // the smallest row after it
	}
	return nil
}

// regionDone moves to the next region, or finishes.
func (s *scanState) regionDone(r *region, moreResults bool) {
	switch {
	case !moreResults, len(r.End) == 0,
		len(s.opt.Stop) > 0 && bytes.Compare(s.opt.Stop, r.End) <= 0:
		s.finished = true
	default:
		s.next = bytes.Clone(r.End)
	}
}

// closeScanner releases a scanner abandoned early, best effort: the server
// drops it anyway when its lease runs out.
func (s *scanState) closeScanner(cn *wire.Conn, id uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req := &pb.ScanRequest{ScannerId: proto.Uint64(id), CloseScanner: proto.Bool(true), NumberOfRows: proto.Uint32(0)}
	_ = cn.Call(ctx, 0, "Scan", req, &pb.ScanResponse{})
}
