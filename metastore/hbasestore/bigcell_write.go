package hbasestore

import (
	"context"
	"errors"
	"os"
	"path"
	"strings"

	"github.com/colinmarc/hdfs/v2"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/internal/hdfsfs"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

// Put stores content at path if the stored timestamp equals oldTS: in the
// row, or, for content kept in HDFS, in a file behind the marker.
func (s *tableStore) Put(ctx context.Context, path string, content []byte, oldTS, newTS int64) error {
	if s.big == nil || !s.big.pushed(content) {
		return s.putRow(ctx, path, content, oldTS, newTS)
	}
	unlock, err := s.big.lock(ctx, path)
	if err != nil {
		return err
	}
	defer unlock()
	cur, err := s.rowState(ctx, path)
	if err != nil {
		return err
	}
	if !s.big.blind && cur.ts != oldTS {
		return &driver.Conflict{Stored: cur.ts}
	}
	commit := func() (bool, error) {
		if s.big.blind {
			return true, native(s.cl.Put(ctx, s.table, []byte(path), s.markerCells(newTS)))
		}
		cond := hbase.Condition{Family: family, Qualifier: qualTS}
		if oldTS != 0 {
			cond.Value = encodeTS(oldTS)
		}
		return s.casWithRecheck(ctx, path, func() (bool, error) {
			return s.cl.CheckAndPut(ctx, s.table, []byte(path), cond, s.markerCells(newTS))
		}, ownWrite(newTS, content))
	}
	ok, err := s.swap(ctx, path, content, cur, newTS, commit)
	if err != nil || ok {
		return err
	}
	return s.conflict(ctx, path)
}

// Import writes r exactly as given, in the row or behind the marker.
func (s *tableStore) Import(ctx context.Context, r driver.Resource) error {
	if s.big == nil || !s.big.pushed(r.Content) {
		return s.importRow(ctx, r)
	}
	unlock, err := s.big.lock(ctx, r.Path)
	if err != nil {
		return err
	}
	defer unlock()
	cur, err := s.rowState(ctx, r.Path)
	if err != nil {
		return err
	}
	_, err = s.swap(ctx, r.Path, r.Content, cur, r.Timestamp, func() (bool, error) {
		return true, native(s.cl.Put(ctx, s.table, []byte(r.Path), s.markerCells(r.Timestamp)))
	})
	return err
}

// markerCells is Kylin's marker row: an empty f:c and the timestamp.
func (s *tableStore) markerCells(ts int64) []hbase.Cell {
	return []hbase.Cell{
		{Family: family, Qualifier: qualContent, Value: []byte{}},
		{Family: family, Qualifier: qualTS, Value: encodeTS(ts)},
	}
}

// rowState is what a big-cell write needs of the stored row.
type rowState struct {
	ts     int64 // 0: no row
	marker bool  // f:c is empty: the content is in HDFS
}

func (s *tableStore) rowState(ctx context.Context, path string) (rowState, error) {
	row, err := s.cl.Get(ctx, s.table, []byte(path), colContent, colTS)
	if err != nil {
		return rowState{}, native(err)
	}
	c, hasC := row.Value(family, qualContent)
	t, hasT := row.Value(family, qualTS)
	var st rowState
	if hasT {
		if st.ts, err = decodeTS(path, t); err != nil {
			return rowState{}, err
		}
	}
	st.marker = hasC && len(c) == 0
	return st, nil
}

// swap puts content into path's HDFS file with modification time newTS and
// commits the row, holding the path's lock:
//
//  1. a backup left by a writer that died before its commit is moved back;
//     leftover temporary files and backups of the path are removed;
//  2. the content goes to <file>.temp.<random>, whose time is set to newTS;
//  3. the committed file, if the row is a marker, moves to
//     <file>.orig.<stored ts> (a rename), and the temporary file is renamed
//     into place;
//  4. commit writes the row; on success the backup is removed, on a
//     conflict the backup is moved back.
//
// At every point a reader finds the committed content (the file whose time
// is the row's timestamp, else the backup named after it, see readBig), so
// a writer killed anywhere leaves the old resource or the new one. When
// commit's outcome is unknown both files stay, and readers still pick by
// the row's timestamp.
func (s *tableStore) swap(ctx context.Context, p string, content []byte, cur rowState, newTS int64,
	commit func() (bool, error)) (bool, error) {
	b := s.big
	file, tmp := b.file(p), b.file(p)+".temp."+metastore.NewUUID()[:8]
	bak := ""
	if cur.marker {
		bak = b.backup(p, cur.ts)
	}
	if b.markerFirst {
		if ok, err := commit(); err != nil || !ok {
			return ok, err
		}
	}
	err := b.fs.Do(ctx, func(c *hdfs.Client) error {
		if cur.marker {
			b.recover(c, p, cur.ts)
		}
		b.sweep(c, p)
		return hdfsfs.CreateFile(ctx, c, tmp, content)
	})
	if err == nil {
		err = b.fs.SetTimes(ctx, tmp, newTS)
	}
	moved := false
	if err == nil {
		err = b.fs.Do(ctx, func(c *hdfs.Client) error {
			if bak != "" {
				if err := c.Rename(file, bak); err == nil {
					moved = true
				} else if !errors.Is(err, os.ErrNotExist) {
					return err
				}
			}
			return c.Rename(tmp, file)
		})
	}
	if err != nil {
		b.undo(ctx, file, tmp, bak, moved)
		return false, err
	}
	if b.markerFirst {
		return true, nil
	}
	ok, err := commit()
	switch {
	case err != nil:
		return false, err
	case !ok:
		b.undo(ctx, file, tmp, bak, moved)
		return false, nil
	}
	if moved {
		b.bestEffort(ctx, "remove the backup", func(c *hdfs.Client) error { return c.Remove(bak) })
	}
	return true, nil
}

// recover moves back the backup of the committed row (timestamp ts) when
// the file in place is not it: a writer died between its rename and its
// commit.
func (b *bigCells) recover(c *hdfs.Client, p string, ts int64) {
	fi, err := c.Stat(b.file(p))
	if err == nil && hdfsfs.ModMillis(fi) == ts {
		return
	}
	if err := c.Rename(b.backup(p, ts), b.file(p)); err == nil {
		b.log.Info("hbasestore: restored a big cell from a writer that died before its commit",
			zap.String("path", p))
	}
}

// sweep removes the path's leftover temporary files and backups (Kylin's
// and ours: <file>.temp.* and <file>.orig.*). Called holding the lock,
// after recover.
func (b *bigCells) sweep(c *hdfs.Client, p string) {
	dir, base := path.Split(b.file(p))
	fis, err := c.ReadDir(dir)
	if err != nil {
		return
	}
	for _, fi := range fis {
		n := fi.Name()
		if strings.HasPrefix(n, base+".temp.") || strings.HasPrefix(n, base+".orig.") {
			c.Remove(dir + n)
		}
	}
}

// undo puts the committed file back after a failed or refused write.
func (b *bigCells) undo(ctx context.Context, file, tmp, bak string, moved bool) {
	b.bestEffort(ctx, "roll back", func(c *hdfs.Client) error {
		c.Remove(tmp)
		if moved {
			return c.Rename(bak, file)
		}
		if err := c.Remove(file); !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	})
}

// bestEffort runs a clean-up step, also after ctx ended; a failure leaves
// files that the next write of the path recovers or removes.
func (b *bigCells) bestEffort(ctx context.Context, what string, fn func(c *hdfs.Client) error) {
	cctx, cancel := hdfsfs.Afterwards(ctx)
	defer cancel()
	if err := b.fs.Do(cctx, fn); err != nil {
		b.log.Warn("hbasestore: big cell: could not "+what+"; the next write of the path recovers",
			zap.Error(err))
	}
}

// Delete removes the resource at path, and its HDFS file when the row is a
// marker (the row first, as Kylin: a crash in between leaves an orphan
// file, never a marker without its file).
func (s *tableStore) Delete(ctx context.Context, path string) error {
	return s.deleteWith(ctx, path, func() error { return s.deleteRow(ctx, path) })
}

// DeleteIf removes the resource at path if its timestamp equals ts, and its
// HDFS file when the row is a marker.
func (s *tableStore) DeleteIf(ctx context.Context, path string, ts int64) error {
	return s.deleteWith(ctx, path, func() error { return s.deleteRowIf(ctx, path, ts) })
}

func (s *tableStore) deleteWith(ctx context.Context, p string, del func() error) error {
	if s.big == nil {
		return del()
	}
	cur, err := s.rowState(ctx, p)
	if err != nil || !cur.marker {
		if err != nil {
			return err
		}
		return del()
	}
	unlock, err := s.big.lock(ctx, p)
	if err != nil {
		return err
	}
	defer unlock()
	if err := del(); err != nil {
		return err
	}
	s.big.bestEffort(ctx, "remove a deleted big cell's file", func(c *hdfs.Client) error {
		s.big.sweep(c, p)
		if err := c.Remove(s.big.file(p)); !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	})
	return nil
}
