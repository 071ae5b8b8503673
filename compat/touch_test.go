package compat

import (
	"context"
	"errors"
	"fmt"

	"github.com/kylin-go/kylin/metastore"
)

// checkBigTouch: a timestamp update (our Touch, Kylin's updateTimestamp)
// of a 12 MiB big cell and of a small resource by either side is seen by
// both with the content unchanged, and our next compare-and-set goes from
// the new timestamp.
func checkBigTouch(ctx context.Context, p bigPair, folder string) error {
	tc, ok := p.s.(metastore.Toucher)
	if !ok {
		return errors.New("the Go store lacks metastore.Toucher")
	}
	for i, c := range [][]byte{bigContent(bigSize, 11), []byte("small, kept in the row")} {
		path := fmt.Sprintf("%s/touch-%d.dict", folder, i)
		want, err := p.s.Put(ctx, path, c, 0)
		if err != nil {
			return fmt.Errorf("go Put %s: %w", path, err)
		}
		r := metastore.Resource{Path: path, Content: c, Timestamp: want + 7000}
		if err := tc.Touch(ctx, path, want, r.Timestamp); err != nil {
			return fmt.Errorf("go Touch %s: %w", path, err)
		}
		if err := p.bothSee(ctx, r); err != nil {
			return fmt.Errorf("after our Touch: %w", err)
		}
		r.Timestamp += 5000
		if err := p.k.touch(path, r.Timestamp); err != nil {
			return fmt.Errorf("kylin updateTimestamp %s: %w", path, err)
		}
		if err := p.bothSee(ctx, r); err != nil {
			return fmt.Errorf("after Kylin's updateTimestamp: %w", err)
		}
		if _, err := p.s.Put(ctx, path, []byte("next"), r.Timestamp); err != nil {
			return fmt.Errorf("go Put over the timestamp Kylin set: %w", err)
		}
	}
	return nil
}
