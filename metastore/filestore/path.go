//go:build linux

package filestore

import (
	"fmt"
	"strings"

	"github.com/kylin-go/kylin/metastore/driver"
)

// internalDir is the one name at the root that filestore keeps for itself.
// It holds only empty directories (the lock stripes) and, while a write is
// in flight, its temporary file. Kylin's FileResourceStore lists files only
// (directories count through the files inside them), so it never sees this
// directory; our List and Walk skip it, and paths inside it are refused.
const internalDir = ".kylin-go"

const (
	tmpRel   = internalDir + "/tmp"
	locksRel = internalDir + "/locks"
)

// rel returns the clean path p relative to the root ("/cube/a.json" ->
// "cube/a.json", "/" -> "."), refusing the internal directory.
func rel(p string) (string, error) {
	if p == driver.Root {
		return ".", nil
	}
	if p == "/"+internalDir || strings.HasPrefix(p, "/"+internalDir+"/") {
		return "", fmt.Errorf("%w: /%s is reserved for filestore's own lock and temporary files; choose another name",
			driver.ErrInvalidPath, internalDir)
	}
	return p[1:], nil
}

// splitRel splits "a/b/c" into "a/b" and "c"; the parent of "c" is ".".
func splitRel(rel string) (dir, base string) {
	i := strings.LastIndexByte(rel, '/')
	if i < 0 {
		return ".", rel
	}
	return rel[:i], rel[i+1:]
}

// joinRel joins a directory relative to the root and a name in it.
func joinRel(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

// pathOf turns a relative path back into a resource path.
func pathOf(rel string) string {
	if rel == "." {
		return driver.Root
	}
	return "/" + rel
}
