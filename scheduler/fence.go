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
	// Space is the lock space the lease came from (lock.SpaceOf); tokens
	// compare only within one space. "" when the Locker does not say.
	Space string
}

// otherSpace reports whether info was stamped for f's key through another
// lock space than f's.
func (f *Fence) otherSpace(info map[string]string) bool {
	stored := info[InfoFenceSpace]
	return info[InfoFenceKey] == f.Key && stored != "" && f.Space != "" && stored != f.Space
}

// admit checks the fence stored in info against f and, when f may write,
// stamps f into info. claimed says whether the record is RUNNING: a
// record claimed through another lock space is refused whatever the
// tokens (that space's owner may be running it right now); one that is
// not claimed is taken, since another space's token means nothing here.
func (f *Fence) admit(path string, info map[string]string, check, claimed bool) error {
	if f == nil {
		return nil
	}
	if check && f.otherSpace(info) {
		if claimed {
			return fmt.Errorf("%w: %s is claimed through lock space %s, not this engine's %s; "+
				"give every engine one lock space (zklock), or, if no engine of that space is alive, pause and resume the job",
				ErrOtherLockSpace, path, info[InfoFenceSpace], f.Space)
		}
	} else if check && info[InfoFenceKey] == f.Key {
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
	if f.Space != "" {
		info[InfoFenceSpace] = f.Space
	}
	return nil
}
