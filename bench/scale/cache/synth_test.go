package cache

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/kylin-go/kylin/metastore"
)

// synthStore serves n resources /cube/cNNNNNN.json made up on each Get, so
// the store itself holds nothing and the process's memory is the cache's.
// Sizes spread from 256 B to 4 KiB (mean about 2.2 KiB), Kylin's metadata
// JSON range.
type synthStore struct {
	metastore.Store // nil: only Get is used
	n               int
	gets            atomic.Int64
}

func synthPath(i int) string { return fmt.Sprintf("/cube/c%06d.json", i) }

func synthSize(i int) int { return 256 + int(uint32(i)*2654435761%3840) }

func (s *synthStore) Get(_ context.Context, path string) (metastore.Resource, error) {
	s.gets.Add(1)
	var i int
	if _, err := fmt.Sscanf(path, "/cube/c%06d.json", &i); err != nil || i >= s.n {
		return metastore.Resource{}, metastore.ErrNotFound
	}
	c := make([]byte, synthSize(i))
	for j := range c {
		c[j] = byte(i + j)
	}
	return metastore.Resource{Path: path, Content: c, Timestamp: int64(i + 1)}, nil
}

func (s *synthStore) Close() error { return nil }
