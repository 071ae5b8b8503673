package scheduler

import (
	"fmt"
	"strconv"
)

// Fence is what an engine writes with: the lock key it holds the job under
// and the lease token. A record stores the fence of its newest claimant;
// a write whose token is older, for the same key, fails with ErrFenced.
// Admin operations (Discard, Pause...) write without a fence.
type Fence struct {
	Key   string
	Token uint64
}

// admit checks the fence stored in info against f and, when f may write,
// stamps f into info.
func (f *Fence) admit(path string, info map[string]string, check bool) error {
	if f == nil {
		return nil
	}
	if check && info[InfoFenceKey] == f.Key {
		stored, err := strconv.ParseUint(info[InfoFenceToken], 10, 64)
		if err != nil {
			// A token we cannot read may be newer than ours: refuse rather
			// than let a possibly deposed owner write.
			return fmt.Errorf("%w: %s: stored token %q for %s is not a number; repair or remove info.%s in the record",
				ErrFenced, path, info[InfoFenceToken], f.Key, InfoFenceToken)
		}
		if stored > f.Token {
			return fmt.Errorf("%w: %s: stored token %d for %s is newer than ours (%d)",
				ErrFenced, path, stored, f.Key, f.Token)
		}
	}
	info[InfoFenceKey] = f.Key
	info[InfoFenceToken] = strconv.FormatUint(f.Token, 10)
	return nil
}
