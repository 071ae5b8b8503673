package hbase

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire"
)

// TableSpec describes a table to create.
type TableSpec struct {
	Name     string // "qual" (default namespace) or "ns:qual"
	Families []FamilySpec
	// SplitKeys pre-split the table: n keys make n+1 regions.
	SplitKeys [][]byte
}

// FamilySpec is one column family with its attributes (VERSIONS,
// IN_MEMORY, ...; hbase-protocol.md §10.2).
type FamilySpec struct {
	Name       string
	Attributes map[string]string
}

// CreateTable creates the table through the master and waits until its
// procedure finished and its first region can be located. A table that
// already exists (another node created it) is success.
func (c *Client) CreateTable(ctx context.Context, spec TableSpec) error {
	if len(spec.Families) == 0 {
		return fmt.Errorf("hbase: create table %q: give at least one column family", spec.Name)
	}
	req := &pb.CreateTableRequest{TableSchema: tableSchema(spec), SplitKeys: spec.SplitKeys}
	var resp pb.CreateTableResponse
	err := c.doMaster(ctx, func(ctx context.Context, cn *wire.Conn) error {
		return c.invoke(ctx, cn, "CreateTable", req, &resp)
	})
	var re *RemoteError
	switch {
	case errors.As(err, &re) && re.Class == classTableExists:
		return c.waitRegions(ctx, spec.Name)
	case err != nil:
		return fmt.Errorf("hbase: create table %s: %w", spec.Name, err)
	}
	if err := c.waitProcedure(ctx, resp.GetProcId()); err != nil {
		return fmt.Errorf("hbase: create table %s: %w", spec.Name, err)
	}
	return c.waitRegions(ctx, spec.Name)
}

// TableExists asks the master whether the table exists.
func (c *Client) TableExists(ctx context.Context, name string) (bool, error) {
	_, ok, err := c.DescribeTable(ctx, name)
	return ok, err
}

// DescribeTable returns the table's families and their attributes as the
// master reports them, and false when the table does not exist.
func (c *Client) DescribeTable(ctx context.Context, name string) (TableSpec, bool, error) {
	req := &pb.GetTableDescriptorsRequest{TableNames: []*pb.TableName{tableName(name)}}
	var resp pb.GetTableDescriptorsResponse
	err := c.doMaster(ctx, func(ctx context.Context, cn *wire.Conn) error {
		return c.invoke(ctx, cn, "GetTableDescriptors", req, &resp)
	})
	if errors.Is(err, ErrTableNotFound) {
		return TableSpec{}, false, nil
	}
	if err != nil {
		return TableSpec{}, false, fmt.Errorf("hbase: describe table %s: %w", name, err)
	}
	if len(resp.GetTableSchema()) == 0 {
		return TableSpec{}, false, nil
	}
	return specFromSchema(name, resp.GetTableSchema()[0]), true, nil
}

func specFromSchema(name string, ts *pb.TableSchema) TableSpec {
	spec := TableSpec{Name: name}
	for _, cf := range ts.GetColumnFamilies() {
		f := FamilySpec{Name: string(cf.GetName()), Attributes: map[string]string{}}
		for _, a := range cf.GetAttributes() {
			f.Attributes[string(a.GetFirst())] = string(a.GetSecond())
		}
		spec.Families = append(spec.Families, f)
	}
	return spec
}

// waitProcedure polls the master until procedure id finished.
func (c *Client) waitProcedure(ctx context.Context, id uint64) error {
	pause := 50 * time.Millisecond
	for {
		var resp pb.GetProcedureResultResponse
		err := c.doMaster(ctx, func(ctx context.Context, cn *wire.Conn) error {
			return c.invoke(ctx, cn, "getProcedureResult", &pb.GetProcedureResultRequest{ProcId: proto.Uint64(id)}, &resp)
		})
		if err != nil {
			return err
		}
		switch resp.GetState() {
		case pb.GetProcedureResultResponse_FINISHED:
			if x := resp.GetException().GetGenericException(); x != nil {
				return &RemoteError{Class: x.GetClassName(), Message: x.GetMessage(), DoNotRetry: true}
			}
			return nil
		case pb.GetProcedureResultResponse_NOT_FOUND:
			return nil // finished and acknowledged already; waitRegions confirms
		}
		if !sleep(ctx, pause) {
			return ctx.Err()
		}
		pause = min(2*pause, time.Second)
	}
}

// waitRegions waits until the table's first region is assigned, so that a
// table another node is still creating is usable when CreateTable returns.
func (c *Client) waitRegions(ctx context.Context, name string) error {
	pause := 50 * time.Millisecond
	for {
		_, err := c.locate(ctx, name, nil)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if classify(err) == actFail && !errors.Is(err, ErrTableNotFound) {
			return fmt.Errorf("hbase: wait for regions of %s: %w", name, err)
		}
		if !sleep(ctx, pause) {
			return ctx.Err()
		}
		pause = min(2*pause, time.Second)
	}
}

// doMaster runs fn on the master connection with the retry policy of do.
func (c *Client) doMaster(ctx context.Context, fn func(ctx context.Context, cn *wire.Conn) error) error {
	return c.do(ctx, masterRoute, fixed(nil), true, func(ctx context.Context, cn *wire.Conn, _ *region) error {
		return fn(ctx, cn)
	})
}

// masterRoute is the pseudo table that do's locate maps to the master.
const masterRoute = "\x00master"

func tableName(name string) *pb.TableName {
	ns, q, ok := strings.Cut(name, ":")
	if !ok {
		ns, q = "default", name
	}
	return &pb.TableName{Namespace: []byte(ns), Qualifier: []byte(q)}
}

func tableSchema(spec TableSpec) *pb.TableSchema {
	ts := &pb.TableSchema{TableName: tableName(spec.Name)}
	for _, f := range spec.Families {
		cf := &pb.ColumnFamilySchema{Name: []byte(f.Name)}
		keys := make([]string, 0, len(f.Attributes))
		for k := range f.Attributes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			cf.Attributes = append(cf.Attributes, &pb.BytesBytesPair{First: []byte(k), Second: []byte(f.Attributes[k])})
		}
		ts.ColumnFamilies = append(ts.ColumnFamilies, cf)
	}
	return ts
}
