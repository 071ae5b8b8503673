package metastore

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Path bounds shared by every backend. A segment fits in one file name on
// any common file system (filestore), and a whole path stays far below the
// HBase row-key limit and PATH_MAX once a root directory is added.
const (
	// MaxPathBytes bounds the length of a cleaned path in bytes.
	MaxPathBytes = 1024
	// MaxSegmentBytes bounds one segment (the text between two '/').
	MaxSegmentBytes = 255
)

// Root is the root folder. It can be listed and walked; it is never a
// resource.
const Root = driver.Root

// CleanPath normalises a resource path the way Kylin's ResourceStore does
// (surrounding white space trimmed, repeated leading '/' collapsed, trailing
// '/' dropped, a leading '/' added) and validates it with the rules every
// backend shares. It rejects the root folder, which holds no resource.
//
// Errors wrap ErrInvalidPath and say what to change
// (metastore: invalid path "/a/../b": segment ".." is not allowed; ...).
// The portable Store runs it on every path argument.
func CleanPath(p string) (string, error) {
	c, err := cleanPath(p)
	if err != nil {
		return "", invalid(p, err)
	}
	return c, nil
}

// CleanFolder is CleanPath for a folder argument (List, Walk): the same
// normalisation and rules, and "/" (or "//", or " / ") is the root folder.
func CleanFolder(p string) (string, error) {
	c, err := cleanFolder(p)
	if err != nil {
		return "", invalid(p, err)
	}
	return c, nil
}

// invalid words a bare path error for a caller of CleanPath or CleanFolder.
func invalid(p string, err error) error {
	why := strings.TrimPrefix(err.Error(), ErrInvalidPath.Error()+": ")
	return fmt.Errorf("metastore: %w %s: %s", ErrInvalidPath, strconv.Quote(truncate(p)), why)
}

// cleanPath is CleanPath with a bare error ("invalid path: why").
func cleanPath(p string) (string, error) {
	switch normalise(p) {
	case "":
		return "", fmt.Errorf("%w: empty path; name a resource such as /project/p.json", ErrInvalidPath)
	case Root:
		return "", fmt.Errorf("%w: %q is the root folder, not a resource; name a resource such as /project/p.json",
			ErrInvalidPath, Root)
	}
	return cleanFolder(p)
}

// cleanFolder is CleanFolder with a bare error.
func cleanFolder(p string) (string, error) {
	c := normalise(p)
	if c == "" {
		return "", fmt.Errorf("%w: empty path; use %q for the root folder", ErrInvalidPath, Root)
	}
	if c == Root {
		return Root, nil
	}
	if err := validate(c); err != nil {
		return "", fmt.Errorf("%w: %s", ErrInvalidPath, err.Error())
	}
	return c, nil
}

// normalise applies Kylin's rules until nothing changes, so that the result
// is a fixed point (" a/ /" would otherwise need two passes). It returns ""
// for an input that is only white space, and Root for one that is only '/'.
func normalise(p string) string {
	if alreadyNormal(p) {
		return p
	}
	if strings.TrimFunc(p, isSpace) == "" {
		return ""
	}
	for {
		q := strings.TrimFunc(p, isSpace)
		for strings.HasSuffix(q, "/") {
			q = q[:len(q)-1]
		}
		if q == p {
			break
		}
		p = q
	}
	return "/" + strings.TrimLeft(p, "/")
}

// alreadyNormal is the fast path for the common case: one leading '/', no
// trailing '/' and no white space at either end.
func alreadyNormal(p string) bool {
	n := len(p)
	return n >= 2 && p[0] == '/' && p[1] != '/' && p[n-1] != '/' && !isSpace(rune(p[n-1]))
}

// isSpace matches ASCII white space. Kylin trims with Java's String.trim,
// which also drops other control characters at the ends; we reject those
// instead (a NUL anywhere is a mistake to report, not to hide).
func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

// validate checks a normalised, non-root path in one pass over its bytes;
// only non-ASCII text takes the slower rune-by-rune check.
func validate(c string) error {
	if len(c) > MaxPathBytes {
		return fmt.Errorf("path is %d bytes, more than the %d allowed; shorten it", len(c), MaxPathBytes)
	}
	ascii := true
	start := 1 // first byte of the current segment
	for i := 1; i <= len(c); i++ {
		if i == len(c) || c[i] == '/' {
			if err := validateSegment(c[start:i]); err != nil {
				return err
			}
			start = i + 1
			continue
		}
		switch b := c[i]; {
		case b < 0x20 || b == 0x7f:
			return fmt.Errorf("control character %U at byte %d; remove it", rune(b), i)
		case b >= 0x80:
			ascii = false
		}
	}
	if ascii {
		return nil
	}
	return validateUnicode(c)
}

// validateUnicode rejects invalid UTF-8 and non-ASCII control characters.
func validateUnicode(c string) error {
	if !utf8.ValidString(c) {
		return fmt.Errorf("path is not valid UTF-8; encode names as UTF-8")
	}
	for i, r := range c {
		if unicode.IsControl(r) {
			return fmt.Errorf("control character %U at byte %d; remove it", r, i)
		}
	}
	return nil
}

func validateSegment(seg string) error {
	switch {
	case seg == "":
		return fmt.Errorf("empty segment (\"//\" inside the path); remove the extra '/'")
	case seg == "." || seg == "..":
		return fmt.Errorf("segment %q is not allowed; paths are absolute from the store root", seg)
	case len(seg) > MaxSegmentBytes:
		return fmt.Errorf("segment %q... is %d bytes, more than the %d allowed; shorten it",
			seg[:16], len(seg), MaxSegmentBytes)
	}
	return nil
}

// truncate keeps error messages readable for over-long inputs.
func truncate(p string) string {
	const max = 80
	if len(p) <= max {
		return p
	}
	return p[:max] + "..."
}
