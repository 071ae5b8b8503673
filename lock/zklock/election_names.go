package zklock

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
)

// Candidate znodes are named as Curator's mutex recipe (InterProcessMutex,
// under LeaderSelector) names them, so that Kylin's candidates and ours
// queue in one line: a "protected" prefix, "_c_" + a random UUID + "-",
// then the lock name "lock-", then the 10-digit sequence ZooKeeper
// appends. The random id lets a candidate whose create reply was lost find
// its own znode among the others.
const (
	protectedPrefix = "_c_"
	lockName        = "lock-"
)

// newProtectedID returns a random (version 4) UUID in canonical text form,
// lower case, as Java's UUID.toString writes it.
func newProtectedID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// candidateName is the name sent in the create request; ZooKeeper appends
// the sequence.
func candidateName(protectedID string) string {
	return protectedPrefix + protectedID + "-" + lockName
}

// isOurs reports whether a child name was created with protectedID.
func isOurs(name, protectedID string) bool {
	return strings.HasPrefix(name, protectedPrefix+protectedID+"-")
}

// sequenceKey is what Curator orders candidates by: the text after the
// last "lock-" in the name (the zero-padded sequence), or the whole name
// when it has none.
func sequenceKey(name string) string {
	if i := strings.LastIndex(name, lockName); i >= 0 {
		return name[i+len(lockName):]
	}
	return name
}

// queueOrder returns the child names of an election in queue order: the
// first leads, each other waits for the one before it. Equal keys (which
// ZooKeeper's sequence never produces) fall back to the full name, so the
// order is the same on every node.
func queueOrder(names []string) []string {
	out := slices.Clone(names)
	slices.SortFunc(out, func(a, b string) int {
		if c := strings.Compare(sequenceKey(a), sequenceKey(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return out
}

// electionRule decides, from the queue in order, whether the candidate
// node ours leads and, if not, which node it waits for. ok is false when
// ours is not in the queue.
type electionRule func(queue []string, ours string) (leads bool, wait string, ok bool)

// curatorRule is Curator's: the first node leads; every other watches the
// one just before it, so a release wakes exactly one waiter.
func curatorRule(queue []string, ours string) (bool, string, bool) {
	i := slices.Index(queue, ours)
	switch {
	case i < 0:
		return false, "", false
	case i == 0:
		return true, "", true
	}
	return false, queue[i-1], true
}
