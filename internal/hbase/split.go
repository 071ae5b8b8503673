package hbase

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire"
)

// SplitRegion splits the region of table holding splitRow at splitRow,
// through the master (MasterService.SplitRegion), and waits until both
// daughters are online: hbase:meta shows one region ending at splitRow and
// one starting there, each assigned. ctx bounds the whole wait. Splitting
// at a region's start key is refused here; the master refuses a region
// that cannot split now (e.g. a daughter whose references are not yet
// compacted away) with a do-not-retry *RemoteError.
func (c *Client) SplitRegion(ctx context.Context, table string, splitRow []byte) error {
	if err := checkRow(splitRow); err != nil {
		return fmt.Errorf("hbase: split %s: %w", table, err)
	}
	var parent *region
	err := c.do(ctx, table, fixed(splitRow), true, func(ctx context.Context, _ *wire.Conn, r *region) error {
		var err error
		parent, err = c.lookupMeta(ctx, table, splitRow) // fresh, not cached
		return err
	})
	if err != nil {
		return fmt.Errorf("hbase: split %s at %q: %w", table, splitRow, err)
	}
	if bytes.Equal(parent.Start, splitRow) {
		return nil // already split there
	}
	req := &pb.SplitTableRegionRequest{
		RegionInfo: &pb.RegionInfo{RegionId: ptr(parent.ID), TableName: tableName(table),
			StartKey: parent.Start, EndKey: parent.End},
		SplitRow: splitRow,
	}
	var resp pb.SplitTableRegionResponse
	err = c.doMaster(ctx, func(ctx context.Context, cn *wire.Conn) error {
		return c.invoke(ctx, cn, "SplitRegion", req, &resp)
	})
	if err == nil {
		err = c.waitProcedure(ctx, resp.GetProcId())
	}
	if err == nil {
		err = c.waitSplit(ctx, table, parent.Start, splitRow)
	}
	if err != nil {
		return fmt.Errorf("hbase: split region %q of %s at %q: %w", parent.Name, table, splitRow, err)
	}
	return nil
}

// waitSplit waits until hbase:meta shows assigned regions [.., splitRow)
// from parentStart and [splitRow, ..).
func (c *Client) waitSplit(ctx context.Context, table string, parentStart, splitRow []byte) error {
	pause := 50 * time.Millisecond
	for {
		left, errL := c.lookupMeta(ctx, table, parentStart)
		right, errR := c.lookupMeta(ctx, table, splitRow)
		if errL == nil && errR == nil && bytes.Equal(left.End, splitRow) && bytes.Equal(right.Start, splitRow) {
			return nil
		}
		for _, err := range []error{errL, errR} {
			if err != nil && classify(err) == actFail {
				return err
			}
		}
		if !sleep(ctx, pause) {
			return ctx.Err()
		}
		pause = min(2*pause, time.Second)
	}
}
