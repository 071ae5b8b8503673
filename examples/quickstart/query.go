package main

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/kylin-go/kylin/metastore"
)

// project is the metadata the demo changes: Kylin keeps a project at
// /project/<name>.json.
type project struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
}

func projectPath(name string) string { return "/project/" + name + ".json" }

// answer is what the query endpoint returns: which node answered and the
// project version its metadata cache holds.
type answer struct {
	Node    string `json:"node"`
	Project string `json:"project"`
	Version int    `json:"version"`
}

// query answers GET /kylin/api/query?project=NAME from the node's metadata
// cache, so a node that missed a change would answer the old version.
func (n *node) query(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("project")
	p, err := n.project(r.Context(), name)
	switch {
	case errors.Is(err, metastore.ErrNotFound):
		http.Error(w, "no project "+name, http.StatusNotFound)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(answer{Node: n.name, Project: p.Name, Version: p.Version})
}
