package hbase

import (
	"fmt"
	"time"
)

// regionMaxPause caps the backoff while a region is in transition: a split
// or move usually completes within a second or two, so waiting in steps of
// MaxPause (5 s) would cost more than the transition itself.
const regionMaxPause = time.Second

// RegionWaitKey names the setting that bounds the wait for a region in
// transition, for error messages.
const RegionWaitKey = "kylin.go.metadata.hbase-region-wait"

// backoff is the retry budget of one call. Every retryable failure counts
// against retries; once they are spent, a failure in transition is still
// retried while less than regionWait has passed since the first one of the
// call. So a tiny or negative regionWait is plain Retries.
type backoff struct {
	pause      time.Duration // next backoff before jitter
	retries    int           // Config.Retries
	regionWait time.Duration // Config.RegionWait
	counted    int           // failures so far
	since      time.Time     // first in-transition failure; zero: none yet
	waited     time.Duration // since then, at the last one
}

// next accounts for a retryable failure at now. It returns whether to
// retry and, when not, the reason (possibly empty) worded to follow "gave
// up after N attempts".
func (b *backoff) next(err error, now time.Time) (retry bool, why string) {
	transit := inTransition(err)
	if transit {
		if b.since.IsZero() {
			b.since = now
		}
		b.waited = now.Sub(b.since)
	}
	if b.counted++; b.counted <= b.retries || (transit && b.waited < b.regionWait) {
		return true, ""
	}
	return false, b.region()
}

// cap is the largest pause after err.
func (b *backoff) cap(err error, maxPause time.Duration) time.Duration {
	if b.regionWait > 0 && inTransition(err) {
		return min(maxPause, regionMaxPause)
	}
	return maxPause
}

// opTimeout words running out of the operation timeout.
func (b *backoff) opTimeout(d time.Duration) string {
	return fmt.Sprintf(" (operation timeout %v)%s", d, b.region())
}

// region words how long the call waited for a region, if it did.
func (b *backoff) region() string {
	switch {
	case b.since.IsZero():
		return ""
	case b.regionWait <= 0:
		return fmt.Sprintf(", region in transition for %v with no wait allowed (set %s, hbase.Config.RegionWait)",
			b.waited.Round(time.Millisecond), RegionWaitKey)
	}
	return fmt.Sprintf(", region in transition for %v of the %v allowed (%s, hbase.Config.RegionWait)",
		b.waited.Round(time.Millisecond), b.regionWait, RegionWaitKey)
}
