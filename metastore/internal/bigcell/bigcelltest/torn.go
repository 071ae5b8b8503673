// Package bigcelltest holds checks of big-cell stores shared by the tests
// of hbasestore and jdbcstore.
package bigcelltest

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kylin-go/kylin/metastore/driver"
)

// TornReads replaces the big cell at p writes times through w while a
// reader on r (another handle on the same store) reads it. Every content
// (size bytes, at least 8) carries the timestamp it is written with, so a
// read whose content names another timestamp than the one returned is
// torn. It returns how many reads succeeded and how many were torn.
func TornReads(ctx context.Context, w, r driver.Store, p string, size, writes int) (reads, torn int, err error) {
	stamped := func(ts int64) []byte {
		c := make([]byte, size)
		for i := range c {
			c[i] = byte(ts) + byte(i*7)
		}
		binary.BigEndian.PutUint64(c, uint64(ts))
		return c
	}
	base := time.Now().UnixMilli()
	if err := w.Put(ctx, p, stamped(base), 0, base); err != nil {
		return 0, 0, err
	}
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for !done.Load() {
			res, err := r.Get(ctx, p)
			if err != nil {
				continue
			}
			reads++
			if int64(binary.BigEndian.Uint64(res.Content)) != res.Timestamp {
				torn++
			}
		}
	})
	for i := int64(1); i <= int64(writes) && err == nil; i++ {
		if err = w.Put(ctx, p, stamped(base+i), base+i-1, base+i); err != nil {
			err = fmt.Errorf("write %d: %w", i, err)
		}
	}
	done.Store(true)
	wg.Wait()
	return reads, torn, err
}
