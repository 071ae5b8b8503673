//go:build linux

package filestore

import (
	"fmt"
	"strings"

	"github.com/kylin-go/kylin/metastore"
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

// resourceRel cleans a resource path and returns it relative to the root
// ("/cube/a.json" -> "cube/a.json").
func resourceRel(p string) (clean, rel string, err error) {
	clean, err = metastore.CleanPath(p)
	if err != nil {
		return "", "", err
	}
	if err := checkReserved(clean); err != nil {
		return "", "", err
	}
	return clean, clean[1:], nil
}

// folderRel is resourceRel for a folder; the root becomes ".".
func folderRel(p string) (clean, rel string, err error) {
	clean, err = metastore.CleanFolder(p)
	if err != nil {
		return "", "", err
	}
	if clean == metastore.Root {
		return clean, ".", nil
	}
	if err := checkReserved(clean); err != nil {
		return "", "", err
	}
	return clean, clean[1:], nil
}

func checkReserved(clean string) error {
	if clean == "/"+internalDir || strings.HasPrefix(clean, "/"+internalDir+"/") {
		return fmt.Errorf("%w %q: /%s is reserved for filestore's own lock and temporary files; choose another name",
			metastore.ErrInvalidPath, clean, internalDir)
	}
	return nil
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
		return metastore.Root
	}
	return "/" + rel
}
