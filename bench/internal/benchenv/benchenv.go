// Package benchenv reads the environment variables that size a benchmark
// run (history sizes, rounds).
package benchenv

import (
	"os"
	"strconv"
	"strings"
)

// Sizes reads a comma-separated list of positive integers from the
// environment variable name; def when it is unset or holds none.
func Sizes(name string, def []int) []int {
	var out []int
	for _, f := range strings.Split(os.Getenv(name), ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return def
	}
	return out
}

// Int reads a positive integer from the environment variable name; def
// when it is unset or not one.
func Int(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
