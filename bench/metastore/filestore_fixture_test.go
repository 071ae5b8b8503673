//go:build linux

package metastore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/sys/unix"

	"github.com/kylin-go/kylin/metastore"
)

// fsFixture holds both sides' data. Reads and Lists hit the same files
// (/list/NNNNN.json); each side writes its own folder.
type fsFixture struct {
	ctx   context.Context
	root  string
	s     metastore.Store
	cfg   fsConfig
	value []byte
	ts    map[string]int64 // filestore's current timestamps, for CAS
}

func (fx *fsFixture) listPath(i int) string { return fmt.Sprintf("/list/%05d.json", i) }

// fillFolder writes the shared folder through the store (setup, untimed).
func (fx *fsFixture) fillFolder() error {
	for i := range fx.cfg.folder {
		if _, err := fx.s.Put(fx.ctx, fx.listPath(i), fx.value, 0); err != nil {
			return err
		}
	}
	return nil
}

func (fx *fsFixture) cases() []fsCase {
	fx.ts = map[string]int64{}
	return []fsCase{
		{"Get", fx.cfg.reads, fx.bareGet, fx.oursGet},
		{"Put (create)", fx.cfg.writes, fx.barePut, fx.oursPut},
		{"CAS (update)", fx.cfg.writes, fx.bareCAS, fx.oursCAS},
		{fmt.Sprintf("List (%d)", fx.cfg.folder), fx.cfg.lists, fx.bareList, fx.oursList},
	}
}

func (fx *fsFixture) bareGet(int) error {
	for i := range fx.cfg.reads {
		if _, err := os.ReadFile(filepath.Join(fx.root, fx.listPath(i%fx.cfg.folder))); err != nil {
			return err
		}
	}
	return nil
}

func (fx *fsFixture) oursGet(int) error {
	for i := range fx.cfg.reads {
		if _, err := fx.s.Get(fx.ctx, fx.listPath(i%fx.cfg.folder)); err != nil {
			return err
		}
	}
	return nil
}

func writePath(side string, round, i int) string {
	return fmt.Sprintf("/%s/r%02d/%05d.json", side, round, i)
}

func (fx *fsFixture) barePut(round int) error {
	dir := filepath.Join(fx.root, "bare", fmt.Sprintf("r%02d", round))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range fx.cfg.writes {
		if err := bareWrite(filepath.Join(fx.root, writePath("bare", round, i)), fx.value); err != nil {
			return err
		}
	}
	return nil
}

func (fx *fsFixture) oursPut(round int) error {
	for i := range fx.cfg.writes {
		p := writePath("ours", round, i)
		ts, err := fx.s.Put(fx.ctx, p, fx.value, 0)
		if err != nil {
			return err
		}
		fx.ts[p] = ts
	}
	return nil
}

// bareCAS overwrites the files barePut created in this round.
func (fx *fsFixture) bareCAS(round int) error {
	for i := range fx.cfg.writes {
		if err := bareWrite(filepath.Join(fx.root, writePath("bare", round, i)), fx.value); err != nil {
			return err
		}
	}
	return nil
}

func (fx *fsFixture) oursCAS(round int) error {
	for i := range fx.cfg.writes {
		p := writePath("ours", round, i)
		ts, err := fx.s.Put(fx.ctx, p, fx.value, fx.ts[p])
		if err != nil {
			return err
		}
		fx.ts[p] = ts
	}
	return nil
}

func (fx *fsFixture) bareList(int) error {
	for range fx.cfg.lists {
		entries, err := os.ReadDir(filepath.Join(fx.root, "list"))
		if err != nil {
			return err
		}
		out := make([]string, 0, len(entries))
		for _, e := range entries {
			out = append(out, "/list/"+e.Name())
		}
		sort.Strings(out)
		if len(out) != fx.cfg.folder {
			return fmt.Errorf("bare list: %d entries", len(out))
		}
	}
	return nil
}

func (fx *fsFixture) oursList(int) error {
	for range fx.cfg.lists {
		out, err := fx.s.List(fx.ctx, "/list")
		if err != nil {
			return err
		}
		if len(out) != fx.cfg.folder {
			return fmt.Errorf("filestore list: %d entries", len(out))
		}
	}
	return nil
}

// bareWrite is the textbook atomic replace, with the fsyncs filestore
// does: a temporary file in the same directory, fsync, rename, fsync of
// the directory.
func bareWrite(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-")
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return unix.Fsync(int(d.Fd()))
}
