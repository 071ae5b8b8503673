package bigcell

import (
	"context"
	"errors"
	"os"
	"path"
	"strings"

	"github.com/colinmarc/hdfs/v2"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/internal/hdfsfs"
	"github.com/kylin-go/kylin/metastore"
)

// Stored is what a write needs of the row stored at a path.
type Stored struct {
	TS     int64 // 0: no row
	Marker bool  // the row is a marker: the content is in HDFS
}

// Swap puts content into p's HDFS file with modification time newTS and
// calls commit to write the marker row, the caller holding p's lock (Lock)
// and cur being the row it read under it:
//
//  1. a backup left by a writer that died before its commit is moved back;
//     leftover temporary files and backups of the path are removed;
//  2. the content goes to <file>.temp.<random>, whose time is set to newTS;
//  3. the committed file, if the row is a marker, moves to Backup(p,
//     cur.TS), and the temporary file is renamed into place;
//  4. commit writes the row; on success the backup is removed, on a
//     refusal (false) the backup is moved back.
//
// When commit's outcome is unknown (an error) both files stay, and readers
// still pick by the row's timestamp. Swap reports commit's answer.
func (f *Files) Swap(ctx context.Context, p string, content []byte, cur Stored, newTS int64,
	commit func() (bool, error)) (bool, error) {
	file, tmp := f.File(p), f.File(p)+".temp."+metastore.NewUUID()[:8]
	bak := ""
	if cur.Marker {
		bak = f.Backup(p, cur.TS)
	}
	if f.MarkerFirst {
		if ok, err := commit(); err != nil || !ok {
			return ok, err
		}
	}
	err := f.fs.Do(ctx, func(c *hdfs.Client) error {
		if cur.Marker {
			f.recover(c, p, cur.TS)
		}
		f.sweep(c, p)
		return hdfsfs.CreateFile(ctx, c, tmp, content)
	})
	if err == nil {
		err = f.fs.SetTimes(ctx, tmp, newTS)
	}
	moved := false
	if err == nil {
		err = f.fs.Do(ctx, func(c *hdfs.Client) error {
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
		f.undo(ctx, file, tmp, bak, moved)
		return false, err
	}
	if f.MarkerFirst {
		return true, nil
	}
	ok, err := commit()
	switch {
	case err != nil:
		return false, err
	case !ok:
		f.undo(ctx, file, tmp, bak, moved)
		return false, nil
	}
	if moved {
		f.bestEffort(ctx, "remove the backup", func(c *hdfs.Client) error { return c.Remove(bak) })
	}
	return true, nil
}

// recover moves back the backup of the committed row (timestamp ts) when
// the file in place is not it: a writer died between its rename and its
// commit.
func (f *Files) recover(c *hdfs.Client, p string, ts int64) {
	fi, err := c.Stat(f.File(p))
	if err == nil && hdfsfs.ModMillis(fi) == ts {
		return
	}
	if err := c.Rename(f.Backup(p, ts), f.File(p)); err == nil {
		f.log.Info(f.name+": restored a big cell from a writer that died before its commit",
			zap.String("path", p))
	}
}

// sweep removes the path's leftover temporary files and backups (Kylin's
// and ours: <file>.temp.* and <file>.orig.*). Called holding the lock,
// after recover.
func (f *Files) sweep(c *hdfs.Client, p string) {
	dir, base := path.Split(f.File(p))
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
func (f *Files) undo(ctx context.Context, file, tmp, bak string, moved bool) {
	f.bestEffort(ctx, "roll back", func(c *hdfs.Client) error {
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

// Remove removes p's file and its leftovers after its marker row was
// deleted (the caller holding the lock). A failure leaves an orphan file,
// removed by the next write of the path; it is logged, not returned.
func (f *Files) Remove(ctx context.Context, p string) {
	f.bestEffort(ctx, "remove a deleted big cell's file", func(c *hdfs.Client) error {
		f.sweep(c, p)
		if err := c.Remove(f.File(p)); !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	})
}

// bestEffort runs a clean-up step, also after ctx ended; a failure leaves
// files that the next write of the path recovers or removes.
func (f *Files) bestEffort(ctx context.Context, what string, fn func(c *hdfs.Client) error) {
	cctx, cancel := hdfsfs.Afterwards(ctx)
	defer cancel()
	if err := f.fs.Do(cctx, fn); err != nil {
		f.log.Warn(f.name+": big cell: could not "+what+"; the next write of the path recovers",
			zap.Error(err))
	}
}

// Touch sets the time of p's file to newTS for a timestamp update of its
// marker row (timestamp ts), the caller holding the lock; a backup left by
// a writer that died before its commit is moved back first, so that the
// file in place is the committed one. A missing file is left missing (the
// marker then reads as missing, as before). The backend then moves the
// row's timestamp by compare-and-set: a crash in between leaves the file
// marked with newTS under a row with ts, which readers resolve by reading
// the row again (Follow).
func (f *Files) Touch(ctx context.Context, p string, ts, newTS int64) error {
	err := f.fs.Do(ctx, func(c *hdfs.Client) error {
		f.recover(c, p, ts)
		return nil
	})
	if err == nil {
		err = f.fs.SetTimes(ctx, f.File(p), newTS)
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
