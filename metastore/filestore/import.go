//go:build linux

package filestore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

var _ metastore.Importer = (*Store)(nil)

// Import writes r exactly as given, its timestamp as the file's
// modification time, replacing whatever is at r.Path without a
// compare-and-set. The write is atomic and durable as a Put's is.
func (s *Store) Import(ctx context.Context, r metastore.Resource) (err error) {
	defer s.m.observe("import", time.Now(), &err)
	end, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer end()
	if _, err := metastore.CheckImport(r); err != nil {
		return err
	}
	clean, rel, err := resourceRel(r.Path)
	if err != nil {
		return err
	}
	unlock, err := s.locks.lock(ctx, s.done, clean)
	if err != nil {
		return err
	}
	defer unlock()
	switch k, _, err := s.stat(rel); {
	case err != nil:
		return s.pathErr("import", clean, err)
	case k == kindDir:
		return s.pathErr("import", clean, fmt.Errorf("%w: %s is a folder", ErrPathShape, clean))
	}
	if err := s.replace(ctx, rel, r.Content, r.Timestamp); err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return err
		}
		return s.pathErr("import", clean, err)
	}
	return nil
}
