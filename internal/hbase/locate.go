package hbase

import (
	"context"
	"fmt"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire"
)

// locate returns the region of table holding row: from the cache, else
// from a reversed scan of hbase:meta (hbase-protocol.md §9). One attempt;
// the caller's retry loop handles failures.
func (c *Client) locate(ctx context.Context, table string, row []byte) (*region, error) {
	if table == masterRoute {
		addr, err := c.masterServer(ctx)
		if err != nil {
			return nil, err
		}
		return &region{Table: masterRoute, Addr: addr}, nil
	}
	if table == metaTable {
		addr, err := c.metaServer(ctx)
		if err != nil {
			return nil, err
		}
		return &region{Table: metaTable, Name: metaRegionName, Addr: addr}, nil
	}
	if r := c.regions.get(table, row); r != nil {
		return r, nil
	}
	r, err := c.lookupMeta(ctx, table, row)
	if err != nil {
		return nil, err
	}
	c.regions.put(r)
	return r, nil
}

func (c *Client) lookupMeta(ctx context.Context, table string, row []byte) (*region, error) {
	addr, err := c.metaServer(ctx)
	if err != nil {
		return nil, err
	}
	meta := &region{Table: metaTable, Name: metaRegionName, Addr: addr}
	cn, err := c.dialServer(ctx, addr, wire.ClientService)
	if err == nil {
		var resp pb.ScanResponse
		err = c.invoke(ctx, cn, "Scan", metaLookupRequest(table, row), &resp)
		if err == nil {
			return regionFromMeta(table, row, &resp)
		}
	}
	c.forget(meta, err, classify(err))
	return nil, fmt.Errorf("hbase: look up %s row %q in hbase:meta: %w", table, row, err)
}

// metaLookupRequest is a one-row reversed scan from "table,row,<max id>"
// down to "table,,": the last region starting at or before row.
func metaLookupRequest(table string, row []byte) *pb.ScanRequest {
	start := make([]byte, 0, len(table)+len(row)+16)
	start = append(append(append(start, table...), ','), row...)
	start = append(start, ",99999999999999"...)
	return &pb.ScanRequest{
		Region: regionSpec(metaRegionName),
		Scan: &pb.Scan{
			Column:         []*pb.Column{{Family: []byte("info")}},
			StartRow:       start,
			StopRow:        []byte(table + ",,"),
			Reversed:       ptr(true),
			IncludeStopRow: ptr(true),
		},
		NumberOfRows: ptr(uint32(1)),
		CloseScanner: ptr(true),
	}
}

func regionFromMeta(table string, row []byte, resp *pb.ScanResponse) (*region, error) {
	if len(resp.GetResults()) == 0 || len(resp.GetResults()[0].GetCell()) == 0 {
		return nil, fmt.Errorf("%w: %s (hbase:meta holds no region for it)", ErrTableNotFound, table)
	}
	r, err := parseMetaRow(table, resp.GetResults()[0].GetCell())
	if err != nil {
		return nil, err
	}
	if !r.contains(row) {
		return nil, fmt.Errorf("%w: hbase:meta has a hole before row %q of %s", errRegionUnavailable, row, table)
	}
	return r, nil
}

func (c *Client) metaServer(ctx context.Context) (string, error) {
	return c.cachedAddr(ctx, &c.meta, c.locator.MetaServer)
}

func (c *Client) masterServer(ctx context.Context) (string, error) {
	return c.cachedAddr(ctx, &c.master, c.locator.Master)
}

func (c *Client) cachedAddr(ctx context.Context, slot *string, ask func(context.Context) (string, error)) (string, error) {
	c.mu.Lock()
	addr := *slot
	c.mu.Unlock()
	if addr != "" {
		return addr, nil
	}
	addr, err := ask(ctx)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	*slot = addr
	c.mu.Unlock()
	return addr, nil
}

// clearMeta forgets the hbase:meta location if it is still addr.
func (c *Client) clearMeta(addr string) {
	c.mu.Lock()
	if c.meta == addr {
		c.meta = ""
	}
	c.mu.Unlock()
}

func ptr[T any](v T) *T { return &v }

// clearMaster forgets the master location if it is still addr.
func (c *Client) clearMaster(addr string) {
	c.mu.Lock()
	if c.master == addr {
		c.master = ""
	}
	c.mu.Unlock()
}
