package locktest

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// History records the critical sections of one key so that mutual
// exclusion can be checked twice: live, by a counter of holders inside the
// section that must never exceed 1, and afterwards, by the log of
// intervals, which must not overlap and whose tokens must increase in
// time order. The interval check catches two holders whose sections
// overlap but whose counter updates happen not to interleave.
type History struct {
	inside     atomic.Int32
	concurrent atomic.Int64

	mu    sync.Mutex
	spans []Span
}

// Span is one critical section.
type Span struct {
	Holder     string
	Token      uint64
	Start, End time.Time // monotonic readings
}

// Enter marks the start of a critical section by holder with token.
func (h *History) Enter(holder string, token uint64) *Span {
	if h.inside.Add(1) > 1 {
		h.concurrent.Add(1)
	}
	return &Span{Holder: holder, Token: token, Start: time.Now()}
}

// Exit ends the section that Enter started.
func (h *History) Exit(s *Span) {
	s.End = time.Now()
	h.inside.Add(-1)
	h.mu.Lock()
	h.spans = append(h.spans, *s)
	h.mu.Unlock()
}

// Add records a section measured elsewhere (another process).
func (h *History) Add(s Span) {
	h.mu.Lock()
	h.spans = append(h.spans, s)
	h.mu.Unlock()
}

// Len is the number of recorded sections.
func (h *History) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.spans)
}

// Violations lists every breach of mutual exclusion seen: sections
// entered while another was inside, overlapping intervals, and tokens that
// do not increase from one section to the next.
func (h *History) Violations() []string {
	var out []string
	if n := h.concurrent.Load(); n > 0 {
		out = append(out, fmt.Sprintf("%d section(s) entered while another holder was inside", n))
	}
	h.mu.Lock()
	spans := append([]Span(nil), h.spans...)
	h.mu.Unlock()
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start.Before(spans[j].Start) })
	for i := 1; i < len(spans); i++ {
		prev, cur := spans[i-1], spans[i]
		if cur.Start.Before(prev.End) {
			out = append(out, fmt.Sprintf("sections overlap: %s (token %d) until %v, %s (token %d) from %v",
				prev.Holder, prev.Token, prev.End.Format(time.StampMicro), cur.Holder, cur.Token, cur.Start.Format(time.StampMicro)))
		}
		if cur.Token <= prev.Token {
			out = append(out, fmt.Sprintf("token did not increase: %s had %d, then %s had %d",
				prev.Holder, prev.Token, cur.Holder, cur.Token))
		}
	}
	return out
}
