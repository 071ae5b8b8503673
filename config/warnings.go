package config

import (
	"fmt"
	"sort"
	"strings"
)

// Near-miss detection. A kylin.* key that is not known is reported when
//   - it equals a known key once case and the separators . - _ are
//     ignored (kylin.job.max.concurrent.jobs), or
//   - it is within maxTypoDistance edits of a key this package reads
//     (kylin.job.max-concurent-jobs);
//
// every unknown kylin.go.* key is reported, since that family is ours.
// Other unknown keys pass quietly: Kylin has hundreds, and plug-ins add more.
const maxTypoDistance = 2

// normalizedKeys maps a key with case and separators removed to a known key.
var normalizedKeys = func() map[string]string {
	m := map[string]string{}
	add := func(k string) {
		if n := normalizeKey(k); m[n] == "" {
			m[n] = k
		}
	}
	for _, k := range keyTable {
		add(k.Name)
	}
	for _, k := range kylinKeys {
		add(k)
	}
	for _, k := range sortedValues(renamedKeys) {
		add(k)
	}
	return m
}()

func normalizeKey(k string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '.', '-', '_':
			return -1
		}
		return r
	}, strings.ToLower(k))
}

// nearMisses returns one warning per suspicious key, sorted by key.
func (c *Config) nearMisses() []string {
	var out []string
	for _, key := range sortedKeys(c.Raw) {
		if !strings.HasPrefix(key, "kylin.") || isKnown(key) {
			continue
		}
		where := c.Sources[key]
		s := suggest(key)
		switch {
		case s != "":
			out = append(out, fmt.Sprintf("%s in %s is not a key Kylin or kylin-go reads; did you mean %s?", key, where, s))
		case strings.HasPrefix(key, "kylin.go."):
			out = append(out, fmt.Sprintf("%s in %s is not a kylin-go key; config/KEYS.md lists them", key, where))
		}
	}
	return out
}

// suggest returns the known key that key most likely misspells, or "".
func suggest(key string) string {
	if k, ok := normalizedKeys[normalizeKey(key)]; ok {
		return k
	}
	best, bestDist := "", maxTypoDistance+1
	if strings.HasPrefix(key, "kylin.go.") {
		bestDist++ // our family: any near key is the likely intent
	}
	lower := strings.ToLower(key)
	for _, k := range keyTable {
		if d := editDistance(lower, k.Name, bestDist-1); d < bestDist {
			best, bestDist = k.Name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, or max+1 when
// it exceeds max (it stops as soon as every cell of a row exceeds max).
func editDistance(a, b string, max int) int {
	if abs(len(a)-len(b)) > max {
		return max + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], max+1)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
