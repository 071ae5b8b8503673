package hbase

import (
	"bytes"
	"context"
	"fmt"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire"
)

// adminService is the region server's administrative service: a
// connection to it is separate from the ClientService one.
const adminService = "AdminService"

// FlushTable writes the memstore of every region of table into store files
// (AdminService.FlushRegion on each region's server, one region after the
// other) and returns when every flush is done. Tests and benchmarks use it
// to put rows where a real table's history lives: in store files.
func (c *Client) FlushTable(ctx context.Context, table string) error {
	return c.eachRegion(ctx, table, func(ctx context.Context, cn *wire.Conn, r *region) error {
		req := &pb.FlushRegionRequest{Region: regionSpec(r.Name)}
		return c.invoke(ctx, cn, "FlushRegion", req, &pb.FlushRegionResponse{})
	})
}

// StoreFiles returns the store files of every region of table, of family
// (empty: every family), as the region servers name them
// (AdminService.GetStoreFile).
func (c *Client) StoreFiles(ctx context.Context, table, family string) ([]string, error) {
	var out []string
	err := c.eachRegion(ctx, table, func(ctx context.Context, cn *wire.Conn, r *region) error {
		req := &pb.GetStoreFileRequest{Region: regionSpec(r.Name)}
		if family != "" {
			req.Family = [][]byte{[]byte(family)}
		}
		var resp pb.GetStoreFileResponse
		if err := c.invoke(ctx, cn, "GetStoreFile", req, &resp); err != nil {
			return err
		}
		out = append(out, resp.GetStoreFile()...)
		return nil
	})
	return out, err
}

// eachRegion calls fn once for each region of table, in key order, on an
// AdminService connection to the region's server, with the retry policy
// of do for each region.
func (c *Client) eachRegion(ctx context.Context, table string,
	fn func(ctx context.Context, cn *wire.Conn, r *region) error) error {
	var row []byte // the start of the next region; nil: the first
	for {
		var end []byte
		err := c.do(ctx, table, fixed(row), true, func(ctx context.Context, _ *wire.Conn, r *region) error {
			cn, err := c.dialServer(ctx, r.Addr, adminService)
			if err != nil {
				return err
			}
			if err := fn(ctx, cn, r); err != nil {
				return err
			}
			end = bytes.Clone(r.End)
			return nil
		})
		if err != nil {
			return fmt.Errorf("hbase: %s: region at %q: %w", table, row, err)
		}
		if len(end) == 0 {
			return nil
		}
		row = end
	}
}
