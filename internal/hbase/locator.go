package hbase

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

// Locator finds the region server that holds hbase:meta and the active
// master. The client asks again whenever a cached answer stops working.
type Locator interface {
	MetaServer(ctx context.Context) (string, error)
	Master(ctx context.Context) (string, error)
	Close() error
}

// errNotReady: ZooKeeper does not (yet) name a server; retried.
var errNotReady = errors.New("hbase: not ready")

// zkLocator reads HBase's znodes (hbase-protocol.md §2).
type zkLocator struct {
	conn   *zk.Conn
	parent string
	wg     sync.WaitGroup
}

// newZKLocator connects to quorum (comma-separated host:port list) and reads
// znodes under parent (zookeeper.znode.parent, "/hbase").
func newZKLocator(quorum []string, parent string, sessionTimeout time.Duration, log *zap.Logger) (*zkLocator, error) {
	c, _, err := zk.Connect(quorum, sessionTimeout, zk.WithLogger(zapPrintf{log}), zk.WithLogInfo(false))
	if err != nil {
		return nil, fmt.Errorf("hbase: connect to ZooKeeper %v: %w", quorum, err)
	}
	return &zkLocator{conn: c, parent: strings.TrimRight(parent, "/")}, nil
}

func (l *zkLocator) MetaServer(ctx context.Context) (string, error) {
	data, err := l.get(ctx, l.parent+"/meta-region-server")
	if err != nil {
		return "", err
	}
	return parseMetaZNode(data)
}

func (l *zkLocator) Master(ctx context.Context) (string, error) {
	data, err := l.get(ctx, l.parent+"/master")
	if err != nil {
		return "", err
	}
	return parseMasterZNode(data)
}

// Close ends the ZooKeeper session and waits for reads still in flight.
func (l *zkLocator) Close() error {
	l.conn.Close()
	l.wg.Wait()
	return nil
}

// get reads a znode but returns when ctx ends: go-zookeeper queues requests
// while disconnected, so the read runs in a goroutine that Close ends.
func (l *zkLocator) get(ctx context.Context, path string) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	ch := make(chan result, 1)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		data, _, err := l.conn.Get(path)
		ch <- result{data, err}
	}()
	select {
	case r := <-ch:
		if errors.Is(r.err, zk.ErrNoNode) {
			return nil, fmt.Errorf("%w: znode %s does not exist (HBase starting, or wrong zookeeper.znode.parent)", errNotReady, path)
		}
		if r.err != nil {
			return nil, fmt.Errorf("%w: read znode %s: %v", errNotSent, path, r.err)
		}
		return r.data, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// stripZNodeMeta removes the 0xFF/id/"PBUF" prefix HBase writes in front of
// znode protobufs.
func stripZNodeMeta(b []byte) ([]byte, error) {
	if len(b) == 0 || b[0] != 0xFF {
		return b, nil
	}
	if len(b) < 5 {
		return nil, fmt.Errorf("%w: znode data of %d bytes is shorter than its header", ErrMalformed, len(b))
	}
	idLen := binary.BigEndian.Uint32(b[1:5])
	if uint64(idLen) > uint64(len(b)-5) {
		return nil, fmt.Errorf("%w: znode id length %d exceeds the data", ErrMalformed, idLen)
	}
	rest := b[5+idLen:]
	if len(rest) < 4 || string(rest[:4]) != "PBUF" {
		return nil, fmt.Errorf("%w: znode data lacks the PBUF marker", ErrMalformed)
	}
	return rest[4:], nil
}

func parseMetaZNode(b []byte) (string, error) {
	body, err := stripZNodeMeta(b)
	if err != nil {
		return "", err
	}
	var m pb.MetaRegionServer
	if err := proto.Unmarshal(body, &m); err != nil {
		return "", fmt.Errorf("%w: meta-region-server znode: %v", ErrMalformed, err)
	}
	if m.State != nil && m.GetState() != 3 {
		return "", fmt.Errorf("%w: hbase:meta is in state %d, not OPEN", errNotReady, m.GetState())
	}
	return serverAddr(m.GetServer())
}

func parseMasterZNode(b []byte) (string, error) {
	body, err := stripZNodeMeta(b)
	if err != nil {
		return "", err
	}
	var m pb.Master
	if err := proto.Unmarshal(body, &m); err != nil {
		return "", fmt.Errorf("%w: master znode: %v", ErrMalformed, err)
	}
	return serverAddr(m.GetMaster())
}

func serverAddr(s *pb.ServerName) (string, error) {
	if s.GetHostName() == "" || s.GetPort() == 0 || s.GetPort() > 65535 {
		return "", fmt.Errorf("%w: server name without host or with port %d", ErrMalformed, s.GetPort())
	}
	return net.JoinHostPort(s.GetHostName(), strconv.Itoa(int(s.GetPort()))), nil
}

// zapPrintf adapts zap to go-zookeeper's Printf logger.
type zapPrintf struct{ l *zap.Logger }

func (z zapPrintf) Printf(format string, args ...any) {
	z.l.Debug("zookeeper: " + fmt.Sprintf(format, args...))
}

// StaticLocator answers with fixed addresses (tests, or a host that finds
// HBase some other way).
type StaticLocator struct{ Meta, MasterAddr string }

func (s StaticLocator) MetaServer(context.Context) (string, error) { return s.Meta, nil }
func (s StaticLocator) Master(context.Context) (string, error)     { return s.MasterAddr, nil }
func (s StaticLocator) Close() error                               { return nil }
