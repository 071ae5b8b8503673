package driver

import "strings"

// Root is the root folder. It can be listed and walked; it is never a
// resource.
const Root = "/"

// FolderPrefix returns the prefix every path inside folder starts with:
// "/" for the root, folder+"/" otherwise. folder must be clean.
func FolderPrefix(folder string) string {
	if folder == Root {
		return Root
	}
	return folder + "/"
}

// DirectChild returns the direct child of folder that p lies in: p itself
// when p is directly inside folder, else the sub-folder holding it. It
// reports false when p is not inside folder. Both arguments must be clean.
// Drivers that store flat keys use it to fold a sorted scan into children.
func DirectChild(folder, p string) (string, bool) {
	prefix := FolderPrefix(folder)
	if !strings.HasPrefix(p, prefix) || len(p) == len(prefix) {
		return "", false
	}
	rest := p[len(prefix):]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return p[:len(prefix)+i], true
	}
	return p, true
}
