package wire

import "testing"

func TestFramePoolSizes(t *testing.T) {
	for _, c := range []struct{ n, minCap int }{{0, pooledFrameMin}, {100, pooledFrameMin}, {3000, 4096},
		{pooledFrameMax, pooledFrameMax}, {pooledFrameMax + 1, pooledFrameMax + 1}} {
		p := getFrame(c.n)
		if len(*p) != c.n || cap(*p) < c.minCap {
			t.Errorf("getFrame(%d): len %d cap %d; want len %d, cap >= %d", c.n, len(*p), cap(*p), c.n, c.minCap)
		}
		putFrame(p)
	}
	// A recycled buffer comes back with the length asked for, not its old one.
	p := getFrame(1500)
	putFrame(p)
	if q := getFrame(10); len(*q) != 10 {
		t.Errorf("recycled frame has length %d; want 10", len(*q))
	}
}
