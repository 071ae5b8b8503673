package lock

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// MaxKeyLen bounds a key's length in bytes.
const MaxKeyLen = 1024

// ValidateKey reports whether key is a usable lock key: an absolute path
// ("/a/b"), no empty, "." or ".." segments, no trailing slash, no NUL or
// other control characters, at most MaxKeyLen bytes. The root "/" is not a
// key. The error says what to change.
func ValidateKey(key string) error {
	if err := validatePath(key); err != nil {
		return fmt.Errorf("lock: key %q: %w", key, err)
	}
	if key == "/" {
		return fmt.Errorf("lock: key %q: the root is not a key; use a path such as /job_engine/lock/<id>", key)
	}
	return nil
}

// ValidatePrefix is ValidateKey for a prefix; the root "/" is allowed.
func ValidatePrefix(prefix string) error {
	if err := validatePath(prefix); err != nil {
		return fmt.Errorf("lock: prefix %q: %w", prefix, err)
	}
	return nil
}

func validatePath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("empty; use an absolute path such as /job_engine/lock/<id>")
	case len(p) > MaxKeyLen:
		return fmt.Errorf("%d bytes long; the limit is %d", len(p), MaxKeyLen)
	case p[0] != '/':
		return fmt.Errorf("must start with '/'")
	case p == "/":
		return nil
	case strings.HasSuffix(p, "/"):
		return fmt.Errorf("must not end with '/'")
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("contains control character %q; remove it", r)
		}
	}
	for _, seg := range strings.Split(p[1:], "/") {
		switch seg {
		case "":
			return fmt.Errorf("has an empty segment ('//'); remove it")
		case ".", "..":
			return fmt.Errorf("has a %q segment; paths are not resolved, remove it", seg)
		}
	}
	return nil
}

// Parent returns the parent path of a valid key ("/a/b" -> "/a", "/a" -> "/").
func Parent(key string) string {
	i := strings.LastIndexByte(key, '/')
	if i <= 0 {
		return "/"
	}
	return key[:i]
}

// DefaultOwner is Kylin's owner id for the current process: "pid@host".
func DefaultOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return strconv.Itoa(os.Getpid()) + "@" + host
}
