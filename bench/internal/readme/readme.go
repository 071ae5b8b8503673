// Package readme rewrites one benchmark runner's section of
// bench/README.md. Each section sits between two HTML comments named after
// its runner, so runners never touch each other's text, whatever headings
// the sections hold.
package readme

import (
	"os"
	"strings"
)

// Markers returns the comments that open and close name's section.
func Markers(name string) (begin, end string) {
	return "<!-- " + name + " bench: begin -->", "<!-- " + name + " bench: end -->"
}

// Replace puts body between name's markers in the file at path, or appends
// a new marked section when the file has none. Everything outside the
// section is kept byte for byte.
func Replace(path, name, body string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	begin, end := Markers(name)
	section := begin + "\n" + strings.TrimRight(body, "\n") + "\n" + end
	text := string(old)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i >= 0 && j > i {
		text = text[:i] + section + text[j+len(end):]
	} else {
		text = strings.TrimRight(text, "\n") + "\n\n" + section + "\n"
	}
	return os.WriteFile(path, []byte(text), 0o644)
}
