package compat

import (
	"encoding/base64"
	"math"

	"github.com/kylin-go/kylin/metastore"
)

// kylinStore is Kylin's ResourceStore for one metadata URL, run in the
// harness (FileResourceStore for a directory, HBaseResourceStore for
// "table@hbase,...").
type kylinStore struct {
	h   *harness
	url string
}

type wireResource struct {
	Path    string `json:"path"`
	TS      int64  `json:"ts"`
	Content string `json:"content"`
}

func (w wireResource) resource() (metastore.Resource, error) {
	b, err := base64.StdEncoding.DecodeString(w.Content)
	return metastore.Resource{Path: w.Path, Content: b, Timestamp: w.TS}, err
}

func (k kylinStore) args(kv ...any) map[string]any {
	m := map[string]any{"url": k.url}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// open makes Kylin open the store and returns the class it chose.
func (k kylinStore) open() (string, error) {
	var class string
	err := k.h.call("store.open", k.args(), &class)
	return class, err
}

// get returns the resource, or nil when Kylin has none at path.
func (k kylinStore) get(path string) (*metastore.Resource, error) {
	var w *wireResource
	if err := k.h.call("store.get", k.args("path", path), &w); err != nil || w == nil {
		return nil, err
	}
	r, err := w.resource()
	return &r, err
}

func (k kylinStore) ts(path string) (int64, error) {
	var ts int64
	err := k.h.call("store.ts", k.args("path", path), &ts)
	return ts, err
}

func (k kylinStore) exists(path string) (bool, error) {
	var ok bool
	err := k.h.call("store.exists", k.args("path", path), &ok)
	return ok, err
}

// list is listResources: nil (not empty) for a missing or empty folder.
func (k kylinStore) list(folder string) ([]string, error) {
	var out []string
	err := k.h.call("store.list", k.args("path", folder), &out)
	return out, err
}

func (k kylinStore) listRecursive(folder string) ([]string, error) {
	var out []string
	err := k.h.call("store.listRecursive", k.args("path", folder), &out)
	return out, err
}

// walk is visitFolderAndContent, recursive, with VisitFilter(from, to);
// to == 0 means no upper bound.
func (k kylinStore) walk(folder string, from, to int64) ([]metastore.Resource, error) {
	if to == 0 {
		to = math.MaxInt64
	}
	var ws []wireResource
	if err := k.h.call("store.walk", k.args("path", folder, "from", from, "to", to), &ws); err != nil {
		return nil, err
	}
	out := make([]metastore.Resource, 0, len(ws))
	for _, w := range ws {
		r, err := w.resource()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// put is Kylin's blind putResource with an explicit timestamp (which
// returns the number of bytes written, not a timestamp).
func (k kylinStore) put(path string, content []byte, ts int64) error {
	return k.h.call("store.put", k.args("path", path, "content", content, "ts", ts), nil)
}

// cas is checkAndPutResource(path, content, oldTS, newTS); a conflict is a
// *javaError of class WriteConflictException.
func (k kylinStore) cas(path string, content []byte, oldTS, newTS int64) (int64, error) {
	var got int64
	err := k.h.call("store.cas", k.args("path", path, "content", content, "old", oldTS, "new", newTS), &got)
	return got, err
}

// touch is updateTimestamp: the content stays, the timestamp changes.
func (k kylinStore) touch(path string, ts int64) error {
	return k.h.call("store.touch", k.args("path", path, "ts", ts), nil)
}

func (k kylinStore) delete(path string) error {
	return k.h.call("store.delete", k.args("path", path), nil)
}
