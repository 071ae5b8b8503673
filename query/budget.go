package query

import "sync/atomic"

// budget is the cluster-wide retry budget, a token bucket kept in
// thousandths of a token: every request deposits ratio tokens, every retry
// after a request was sent withdraws one. The balance is capped so that a
// long quiet period does not save up a retry storm.
type budget struct {
	milli   atomic.Int64
	deposit int64
	max     int64
}

func newBudget(ratio float64, reserve int) *budget {
	b := &budget{deposit: int64(ratio * 1000), max: int64(reserve)*1000 + 100_000}
	b.milli.Store(int64(reserve) * 1000)
	return b
}

func (b *budget) onRequest() {
	if b.deposit == 0 {
		return
	}
	if b.milli.Add(b.deposit) > b.max {
		b.milli.Store(b.max)
	}
}

// withdraw takes one retry token; false when the budget is spent.
func (b *budget) withdraw() bool {
	for {
		cur := b.milli.Load()
		if cur < 1000 {
			return false
		}
		if b.milli.CompareAndSwap(cur, cur-1000) {
			return true
		}
	}
}
