package hbasestore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

// responseDropper makes the answer to the next Mutate vanish: the request
// reaches HBase and is applied, then the connection breaks before the
// client reads the answer, a genuine unknown outcome.
type responseDropper struct {
	armed   atomic.Bool
	dropped atomic.Int64
}

func (d *responseDropper) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &dropConn{Conn: c, d: d}, nil
}

type dropConn struct {
	net.Conn
	d    *responseDropper
	mu   sync.Mutex
	drop bool
}

// Write arms the drop before the request leaves: set after it, the
// reader goroutine could take the answer first and the fault would hit a
// later call instead.
func (c *dropConn) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte("Mutate")) && c.d.armed.CompareAndSwap(true, false) {
		c.mu.Lock()
		c.drop = true
		c.mu.Unlock()
	}
	return c.Conn.Write(b)
}

func (c *dropConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.mu.Lock()
	drop := c.drop
	c.mu.Unlock()
	if drop {
		c.d.dropped.Add(1)
		c.Conn.Close()
		return 0, io.ErrUnexpectedEOF
	}
	return n, err
}

// TestPutAfterUnknownOutcome applies the first CheckAndPut but loses its
// answer; the retry finds the condition false and the read-back must
// recognise the store's own write, so Put succeeds. With the recheck turned
// off (the negative control) the same history is reported as a conflict, which
// the test must see.
func TestPutAfterUnknownOutcome(t *testing.T) {
	quorum := testenv.HBase(t)
	cfg := storeConfig(uniqueTable(t), quorum)
	for _, recheck := range []bool{true, false} {
		d := &responseDropper{}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		s, err := open(ctx, cfg, []hbase.Option{hbase.WithDialer(d.dial)})
		if err != nil {
			t.Fatal(err)
		}
		driverOf(s).noRecheck = !recheck
		p := "/recheck/" + metastore.NewUUID()
		ts1, err := s.Put(ctx, p, []byte("v1"), 0)
		if err != nil {
			t.Fatal(err)
		}
		d.armed.Store(true)
		ts2, err := s.Put(ctx, p, []byte("v2"), ts1)
		r, gerr := s.Get(ctx, p)
		if gerr != nil || string(r.Content) != "v2" {
			t.Fatalf("the update was not applied (%q, %v): the fault did not produce an applied write", r.Content, gerr)
		}
		if d.dropped.Load() != 1 {
			t.Fatalf("dropped %d answers, want 1", d.dropped.Load())
		}
		switch {
		case recheck && (err != nil || ts2 != r.Timestamp):
			t.Errorf("with the recheck: Put = %d, %v; want success at %d", ts2, err, r.Timestamp)
		case !recheck && !errors.Is(err, metastore.ErrConflict):
			t.Errorf("negative control: without the recheck Put = %d, %v; want the false conflict", ts2, err)
		}
		s.Close()
		cancel()
	}
}

// TestLosingWriterNeverSucceeds makes our first attempt's outcome unknown
// (and it was not applied); another writer then stores a different
// content under the very timestamp we would have written. The recheck must not
// take that for our write. The negative control, a recheck on the timestamp
// alone, is fooled, and the test asserts that it is.
func TestLosingWriterNeverSucceeds(t *testing.T) {
	quorum := testenv.HBase(t)
	table := uniqueTable(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := openStore(t, storeConfig(table, quorum))
	admin := adminClient(t, quorum)
	const newTS = 1_700_000_000_000
	tsOnly := func(r metastore.Resource, found bool) bool { return found && r.Timestamp == newTS }
	for name, tc := range map[string]struct {
		mine func(metastore.Resource, bool) bool
		want bool
	}{"content compared": {ownWrite(newTS, []byte("mine")), false}, "negative control: ts only": {tsOnly, true}} {
		p := "/recheck/" + metastore.NewUUID()
		calls := 0
		attempt := func() (bool, error) {
			calls++
			if calls == 1 { // lost in flight; meanwhile the other writer wins
				err := admin.Put(ctx, table, []byte(p), []hbase.Cell{
					{Family: family, Qualifier: qualContent, Value: []byte("theirs")},
					{Family: family, Qualifier: qualTS, Value: encodeTS(newTS)}})
				if err != nil {
					t.Fatal(err)
				}
				return false, hbase.ErrUnknownOutcome
			}
			return false, nil
		}
		applied, err := driverOf(s).casWithRecheck(ctx, p, attempt, tc.mine)
		if err != nil || applied != tc.want {
			t.Errorf("%s: applied=%v err=%v; want applied=%v", name, applied, err, tc.want)
		}
	}
}
