package compat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

// sample is what the metastore checks write: paths with spaces, non-ASCII
// letters and nesting, binary content. Every value stays far below 1 MB:
// hbase-client 1.1.1 (Kylin's) scanning f:t on HBase 2.6 skips rows holding
// a value over 1 MB, a mismatch between Kylin's old client and the newer
// server that is not ours, so big cells are out of these comparisons.
func sample(folder string) map[string][]byte {
	bin := make([]byte, 70_000)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	return map[string][]byte{
		folder + "/plain.json":                  []byte(`{"uuid":"1","name":"plain"}`),
		folder + "/with space/a b.json":         []byte(`{"name":"a b"}`),
		folder + "/ünïcødé/日本語 ü.json":          []byte(`{"name":"日本語"}`),
		folder + "/deep/x/y/z.bin":              bin,
		folder + "/deep/x/sibling.json":         []byte("{}"),
		folder + "/dots.and-dashes_1/v1.2.json": []byte("dots"),
	}
}

func sortedPaths(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// children is the direct children of folder among paths: resources and
// sub-folders, as full paths, sorted (Kylin's listResources).
func children(folder string, paths []string) []string {
	set := map[string]bool{}
	for _, p := range paths {
		rest, ok := strings.CutPrefix(p, folder+"/")
		if !ok {
			continue
		}
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			rest = rest[:i]
		}
		set[folder+"/"+rest] = true
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func sameResource(side string, got *metastore.Resource, want metastore.Resource) error {
	switch {
	case got == nil:
		return fmt.Errorf("%s: %s missing (want ts %d)", side, want.Path, want.Timestamp)
	case got.Timestamp != want.Timestamp:
		return fmt.Errorf("%s: %s timestamp %d, want %d", side, want.Path, got.Timestamp, want.Timestamp)
	case !bytes.Equal(got.Content, want.Content):
		return fmt.Errorf("%s: %s content differs (%d bytes, want %d)", side, want.Path, len(got.Content), len(want.Content))
	}
	return nil
}

func sameResources(side string, got, want []metastore.Resource) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: %d resources %v, want %d %v", side, len(got), resPaths(got), len(want), resPaths(want))
	}
	for i := range want {
		if got[i].Path != want[i].Path {
			return fmt.Errorf("%s: resource %d is %s, want %s", side, i, got[i].Path, want[i].Path)
		}
		if err := sameResource(side, &got[i], want[i]); err != nil {
			return err
		}
	}
	return nil
}

func resPaths(rs []metastore.Resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Path
	}
	return out
}

func sortRes(rs []metastore.Resource) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Path < rs[j].Path })
}

// kylinSees checks that Kylin's store holds exactly want under folder:
// getResource, getResourceTimestamp, exists, listResources (direct
// children), listResourcesRecursively and a visit of the folder.
func kylinSees(k kylinStore, folder string, want []metastore.Resource) error {
	sortRes(want)
	for _, w := range want {
		got, err := k.get(w.Path)
		if err != nil {
			return fmt.Errorf("kylin get %s: %w", w.Path, err)
		}
		if err := sameResource("kylin getResource", got, w); err != nil {
			return err
		}
		ts, err := k.ts(w.Path)
		if err != nil || ts != w.Timestamp {
			return fmt.Errorf("kylin getResourceTimestamp %s = %d (%v), want %d", w.Path, ts, err, w.Timestamp)
		}
		if ok, err := k.exists(w.Path); err != nil || !ok {
			return fmt.Errorf("kylin exists %s = %v (%v), want true", w.Path, ok, err)
		}
	}
	paths := resPaths(want)
	list, err := k.list(folder)
	if err != nil {
		return fmt.Errorf("kylin listResources %s: %w", folder, err)
	}
	if want := children(folder, paths); !slices.Equal(list, want) {
		return fmt.Errorf("kylin listResources %s = %q, want %q", folder, list, want)
	}
	rec, err := k.listRecursive(folder)
	if err != nil {
		return fmt.Errorf("kylin listResourcesRecursively %s: %w", folder, err)
	}
	if !slices.Equal(rec, paths) {
		return fmt.Errorf("kylin listResourcesRecursively %s = %q, want %q", folder, rec, paths)
	}
	all, err := k.walk(folder, 0, 0)
	if err != nil {
		return fmt.Errorf("kylin visitFolderAndContent %s: %w", folder, err)
	}
	sortRes(all)
	return sameResources("kylin visitFolderAndContent", all, want)
}

// goSees is kylinSees for our store: Get, Exists, List and Walk.
func goSees(ctx context.Context, s metastore.Store, folder string, want []metastore.Resource) error {
	sortRes(want)
	for _, w := range want {
		got, err := s.Get(ctx, w.Path)
		if err != nil {
			return fmt.Errorf("go Get %s: %w", w.Path, err)
		}
		if err := sameResource("go Get", &got, w); err != nil {
			return err
		}
		if ok, err := s.Exists(ctx, w.Path); err != nil || !ok {
			return fmt.Errorf("go Exists %s = %v (%v), want true", w.Path, ok, err)
		}
	}
	paths := resPaths(want)
	list, err := s.List(ctx, folder)
	if err != nil {
		return fmt.Errorf("go List %s: %w", folder, err)
	}
	if want := children(folder, paths); !slices.Equal(list, want) {
		return fmt.Errorf("go List %s = %q, want %q", folder, list, want)
	}
	all, err := metastore.GetAll(ctx, s, folder, metastore.Window{})
	if err != nil {
		return fmt.Errorf("go Walk %s: %w", folder, err)
	}
	return sameResources("go Walk", all, want)
}

// checkGoWritesKylinReads writes the sample with our Put and reads it back
// through Kylin.
func checkGoWritesKylinReads(ctx context.Context, s metastore.Store, k kylinStore, folder string) ([]metastore.Resource, error) {
	data := sample(folder)
	var want []metastore.Resource
	for _, p := range sortedPaths(data) {
		ts, err := s.Put(ctx, p, data[p], 0)
		if err != nil {
			return nil, fmt.Errorf("go Put %s: %w", p, err)
		}
		want = append(want, metastore.Resource{Path: p, Content: data[p], Timestamp: ts})
	}
	return want, kylinSees(k, folder, want)
}

// checkKylinWritesGoReads writes the sample with Kylin's checkAndPut and
// blind put (a timestamp of Kylin's choosing) and reads it with ours.
func checkKylinWritesGoReads(ctx context.Context, s metastore.Store, k kylinStore, folder string) error {
	data := sample(folder)
	var want []metastore.Resource
	base := time.Now().UnixMilli()
	for i, p := range sortedPaths(data) {
		var ts int64
		var err error
		if i%2 == 0 {
			ts, err = k.cas(p, data[p], 0, base+int64(i))
		} else {
			ts, err = base+int64(i), k.put(p, data[p], base+int64(i))
		}
		if err != nil {
			return fmt.Errorf("kylin write %s: %w", p, err)
		}
		want = append(want, metastore.Resource{Path: p, Content: data[p], Timestamp: ts})
	}
	return goSees(ctx, s, folder, want)
}

// checkCASBothWays interleaves compare-and-set on one path: each side's
// write with a stale timestamp must conflict, a current one must succeed,
// and each side sees the other's winning write.
func checkCASBothWays(ctx context.Context, s metastore.Store, k kylinStore, path string) error {
	t1, err := s.Put(ctx, path, []byte("go-1"), 0)
	if err != nil {
		return fmt.Errorf("go create: %w", err)
	}
	if _, err := k.cas(path, []byte("kylin-stale"), 0, t1+1); !isJava(err, "WriteConflictException") {
		return fmt.Errorf("kylin create over our resource: want WriteConflictException, got %v", err)
	}
	t2, err := k.cas(path, []byte("kylin-2"), t1, t1+5)
	if err != nil {
		return fmt.Errorf("kylin checkAndPut at our ts %d: %w", t1, err)
	}
	if _, err := s.Put(ctx, path, []byte("go-stale"), t1); !errors.Is(err, metastore.ErrConflict) {
		return fmt.Errorf("go Put at stale ts %d after Kylin's write: want ErrConflict, got %v", t1, err)
	}
	if _, err := s.Put(ctx, path, []byte("go-stale"), 0); !errors.Is(err, metastore.ErrConflict) {
		return fmt.Errorf("go create over Kylin's resource: want ErrConflict, got %v", err)
	}
	if err := goSees(ctx, s, path[:strings.LastIndexByte(path, '/')], []metastore.Resource{{Path: path, Content: []byte("kylin-2"), Timestamp: t2}}); err != nil {
		return err
	}
	t3, err := s.Put(ctx, path, []byte("go-3"), t2)
	if err != nil {
		return fmt.Errorf("go Put at Kylin's ts %d: %w", t2, err)
	}
	if _, err := k.cas(path, []byte("kylin-stale"), t2, t3+5); !isJava(err, "WriteConflictException") {
		return fmt.Errorf("kylin checkAndPut at stale ts %d after our write: want WriteConflictException, got %v", t2, err)
	}
	got, err := k.get(path)
	if err != nil {
		return err
	}
	return sameResource("kylin after the conflicts", got, metastore.Resource{Path: path, Content: []byte("go-3"), Timestamp: t3})
}

// checkWindows writes resources at chosen timestamps (Kylin's blind put)
// and compares the time-window selections of both sides: from <= ts < to.
func checkWindows(ctx context.Context, s metastore.Store, k kylinStore, folder string) error {
	base := time.Now().UnixMilli() - 100_000
	var all []metastore.Resource
	for i := range 5 {
		p := fmt.Sprintf("%s/w%d/r.json", folder, i)
		ts := base + int64(i)*10
		if err := k.put(p, []byte(p), ts); err != nil {
			return err
		}
		all = append(all, metastore.Resource{Path: p, Content: []byte(p), Timestamp: ts})
	}
	for _, w := range []metastore.Window{{From: base + 10, To: base + 30}, {From: base + 11, To: base + 40}, {From: base + 40}, {}} {
		var want []metastore.Resource
		for _, r := range all {
			if w.Contains(r.Timestamp) {
				want = append(want, r)
			}
		}
		got, err := metastore.GetAll(ctx, s, folder, w)
		if err != nil {
			return err
		}
		if err := sameResources(fmt.Sprintf("go Walk window %+v", w), got, want); err != nil {
			return err
		}
		kg, err := k.walk(folder, w.From, w.To)
		if err != nil {
			return err
		}
		sortRes(kg)
		if err := sameResources(fmt.Sprintf("kylin VisitFilter %+v", w), kg, want); err != nil {
			return err
		}
	}
	return nil
}

// checkDeletes deletes on each side and checks the other no longer sees
// the resource, nor the folder it emptied.
func checkDeletes(ctx context.Context, s metastore.Store, k kylinStore, folder string) error {
	a, b := folder+"/a/x.json", folder+"/b/y.json"
	if _, err := s.Put(ctx, a, []byte("a"), 0); err != nil {
		return err
	}
	if _, err := k.cas(b, []byte("b"), 0, time.Now().UnixMilli()); err != nil {
		return err
	}
	if err := s.Delete(ctx, a); err != nil {
		return err
	}
	if got, err := k.get(a); err != nil || got != nil {
		return fmt.Errorf("kylin get %s after our Delete = %v (%v), want nothing", a, got, err)
	}
	if err := k.delete(b); err != nil {
		return err
	}
	if _, err := s.Get(ctx, b); !errors.Is(err, metastore.ErrNotFound) {
		return fmt.Errorf("go Get %s after Kylin's delete: want ErrNotFound, got %v", b, err)
	}
	if list, err := k.list(folder); err != nil || list != nil {
		return fmt.Errorf("kylin listResources %s after both deletes = %q (%v), want null", folder, list, err)
	}
	if list, err := s.List(ctx, folder); err != nil || len(list) != 0 {
		return fmt.Errorf("go List %s after both deletes = %q (%v), want empty", folder, list, err)
	}
	return nil
}
