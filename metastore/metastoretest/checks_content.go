package metastoretest

import (
	"bytes"
	"fmt"
	"math/rand/v2"

	"github.com/kylin-go/kylin/metastore"
)

// bigValueSize is the suite's large value: 8 MiB, as the issue requires.
const bigValueSize = 8 << 20

func checkBinaryContent(e *env) {
	all := make([]byte, 0, 512)
	for i := range 256 {
		all = append(all, byte(i))
	}
	for i := range 256 {
		all = append(all, byte(255-i)) // a NUL in the middle, 0xff at the edges
	}
	p := e.p("dict/binary.dict")
	ts := e.put(p, all, 0)
	e.wantContent(p, all, ts)
}

func checkLargeValue(e *env) {
	sizes := e.caps.BigValueSizes
	if len(sizes) == 0 {
		size := int64(bigValueSize)
		if e.caps.MaxValueSize > 0 && e.caps.MaxValueSize < size {
			size = e.caps.MaxValueSize
		}
		sizes = []int{int(size)}
	}
	small := []byte(`{"beside":"big"}`)
	sp := e.p("cube_statistics/small.json")
	sts := e.put(sp, small, 0)
	for i, size := range sizes {
		if e.caps.MaxValueSize > 0 && int64(size) > e.caps.MaxValueSize {
			e.t.Fatalf("BigValueSizes holds %d, more than MaxValueSize %d", size, e.caps.MaxValueSize)
		}
		big := pseudoRandom(size, byte(2*i+1))
		p := e.p(fmt.Sprintf("cube_statistics/big-%d.seq", i))
		ts := e.put(p, big, 0)
		e.wantContent(p, big, ts)
		big2 := pseudoRandom(size, byte(2*i+2))
		ts2 := e.put(p, big2, ts)
		e.wantContent(p, big2, ts2)
		e.wantAll(map[string]metastore.Resource{
			p:  {Path: p, Content: big2, Timestamp: ts2},
			sp: {Path: sp, Content: small, Timestamp: sts},
		})
		if err := e.s.DeleteIf(e.ctx, p, ts2); err != nil {
			e.t.Errorf("DeleteIf(%q, %d): %v", p, ts2, err)
		}
		e.wantMissing(p)
	}
	e.wantContent(sp, small, sts)
}

// wantAll checks that a walk of the check's root hands on exactly want.
func (e *env) wantAll(want map[string]metastore.Resource) {
	e.t.Helper()
	rs := e.all()
	if len(rs) != len(want) {
		e.t.Errorf("a walk of %s hands on %d resources; want %d", e.root, len(rs), len(want))
	}
	for _, r := range rs {
		w, ok := want[r.Path]
		if !ok || !bytes.Equal(r.Content, w.Content) || r.Timestamp != w.Timestamp {
			e.t.Errorf("walk: %s = %s at %d; want %s at %d", r.Path, abbrev(r.Content), r.Timestamp, abbrev(w.Content), w.Timestamp)
		}
	}
}

func checkTooLarge(e *env) {
	if e.caps.MaxValueSize == 0 {
		return // declared: no limit; LargeValue covers big values
	}
	p := e.p("too-large.bin")
	_, err := e.s.Put(e.ctx, p, make([]byte, e.caps.MaxValueSize+1), 0)
	e.wantErr("Put(MaxValueSize+1 bytes)", err, metastore.ErrTooLarge)
	e.wantMissing(p)
}

func checkEmptyContent(e *env) {
	for name, content := range map[string][]byte{"empty": {}, "nil": nil} {
		p := e.p(name)
		ts, err := e.s.Put(e.ctx, p, content, 0)
		if !e.caps.EmptyContent {
			e.wantErr("Put(empty content) on a backend without EmptyContent", err, metastore.ErrEmptyContent)
			e.wantMissing(p)
			continue
		}
		if err != nil {
			e.t.Errorf("Put(%q, empty): %v; the backend declares EmptyContent", p, err)
			continue
		}
		r := e.get(p)
		if len(r.Content) != 0 || r.Timestamp != ts {
			e.t.Errorf("Get(%q) = %d bytes at ts %d; want 0 bytes at %d", p, len(r.Content), r.Timestamp, ts)
		}
	}
}

// checkCopies checks that a store must not keep or hand out the caller's
// slices.
func checkCopies(e *env) {
	p := e.p("copy.json")
	in := []byte("original")
	ts := e.put(p, in, 0)
	copy(in, "MUTATED!")
	e.wantContent(p, []byte("original"), ts)

	r := e.get(p)
	copy(r.Content, "MUTATED!")
	e.wantContent(p, []byte("original"), ts)

	rs := e.all()
	for _, r := range rs {
		copy(r.Content, "MUTATED!")
	}
	e.wantContent(p, []byte("original"), ts)
}

// pseudoRandom returns n reproducible bytes that do not compress.
func pseudoRandom(n int, seed byte) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{seed}).Read(b) // never fails
	return b
}
