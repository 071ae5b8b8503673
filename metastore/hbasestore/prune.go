package hbasestore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore/driver"
)

// ParamClockSkew is the metadata URL parameter of the clock skew a windowed
// Walk tolerates between the writers of f:t and the region servers: a
// whole number of milliseconds, or "off" to never prune by cell time.
// Default DefaultClockSkew.
const ParamClockSkew = "kylin.go.metadata.hbase-clock-skew"

// DefaultClockSkew is the margin when the URL does not set one. HBase's
// master refuses a region server whose clock is more than 30 s from its own
// (hbase.master.maxclockskew), and a Kerberos-secured Hadoop cluster stops
// authenticating hosts more than 5 minutes apart (Kerberos' default
// clockskew), so the hosts of a working cluster are within 5 minutes of one
// another, and NTP keeps them within milliseconds. A wider margin costs
// little: the region server reads the store files written in the last few
// minutes before the window, not the years of history before them.
const DefaultClockSkew = 5 * time.Minute

// pruner decides the cell time range of a windowed Walk and guards it.
//
// Cells carry the region server's clock (neither this driver nor Kylin sets
// cell timestamps), while f:t carries the writer's, so a row whose f:t is
// inside a window [From, ...) has cells written at From - skew or later,
// where skew is how far the writer's clock was ahead of the region
// server's. A Walk with From > 0 therefore asks HBase for the cells from
// From - margin on, and the region server skips every store file and
// memstore segment holding only older cells; the filter on f:t stays the
// exact test. Walks without From never prune.
//
// The guard: every walked row shows how far its writer was ahead (f:t minus
// the timestamp of the f:t cell). Past half the margin, the store logs a
// warning once and stops pruning until it is reopened, before the skew
// reaches the margin, where rows start to be missed. Past the whole margin,
// a walk that pruned may have missed rows: it walks again without pruning
// when it has delivered nothing yet, and fails otherwise (errPruneUnsafe).
type pruner struct {
	margin   time.Duration // 0: off
	noMargin bool          // tests only: the negative control, From without the margin and no guard
	log      *zap.Logger

	tripped   atomic.Bool  // a writer ahead by more than margin/2: no more pruning
	unsafe    atomic.Bool  // a writer ahead by more than margin: pruned walks may have missed rows
	refetched atomic.Int64 // rows read again whole: a cell older than the range (tests read it)
	warn      sync.Once
}

// errPruneUnsafe stops a pruned walk that met a row written more than the
// margin ahead of the region server.
var errPruneUnsafe = errors.New("a writer's clock is ahead of the region server's by more than the margin")

// parseClockSkew reads ParamClockSkew from the metadata URL's parameters.
func parseClockSkew(params map[string]string) (time.Duration, error) {
	s, ok := params[ParamClockSkew]
	if !ok || s == "" {
		return DefaultClockSkew, nil
	}
	if strings.EqualFold(s, "off") {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 || v > int64(365*24*time.Hour/time.Millisecond) {
		return 0, fmt.Errorf("hbasestore: metadata URL parameter %s=%q: want a whole number of milliseconds "+
			"from 1 to one year (the clock skew tolerated between writers and region servers, default %d), "+
			"or off to never prune windowed walks by cell time", ParamClockSkew, s, DefaultClockSkew.Milliseconds())
	}
	return time.Duration(v) * time.Millisecond, nil
}

// timeRange is the cell time range of a Walk over w, or nil: no pruning
// (off, tripped, or a window without From).
func (p *pruner) timeRange(w driver.Window) *hbase.TimeRange {
	if p == nil || p.margin <= 0 || p.tripped.Load() || w.From <= 0 {
		return nil
	}
	from := w.From - p.margin.Milliseconds()
	if p.noMargin {
		from = w.From
	}
	if from <= 0 {
		return nil
	}
	return &hbase.TimeRange{From: uint64(from)}
}

// observe applies the guard to one walked row; it reports whether the row's
// writer was ahead by more than the whole margin.
func (p *pruner) observe(path string, row hbase.Row) bool {
	if p == nil || p.margin <= 0 || p.noMargin {
		return false
	}
	for _, c := range row.Cells {
		if c.Family != family || c.Qualifier != qualTS || len(c.Value) != 8 || c.Timestamp == 0 {
			continue
		}
		skew := time.Duration(int64(binary.BigEndian.Uint64(c.Value))-int64(c.Timestamp)) * time.Millisecond
		if skew <= p.margin/2 {
			return false
		}
		p.tripped.Store(true)
		p.warn.Do(func() {
			p.log.Warn("hbasestore: a writer's clock is ahead of the region server's: windowed walks stop "+
				"pruning by cell time on this store until it is reopened (full filtered scans); "+
				"synchronise the clocks or raise "+ParamClockSkew,
				zap.String("path", path), zap.Duration("ahead", skew), zap.Duration("margin", p.margin))
		})
		if skew > p.margin {
			p.unsafe.Store(true)
			return true
		}
		return false
	}
	return false
}
