package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/kylin-go/kylin/metastore"
)

// queryRequest is Kylin's query request shape (only what we read).
type queryRequest struct {
	SQL     string `json:"sql"`
	Project string `json:"project"`
}

// queryAnswer says which node answered and what its metadata cache holds
// for the project, so a node with a stale cache shows it.
type queryAnswer struct {
	Node      string          `json:"node"`
	Mode      string          `json:"mode"`
	Project   string          `json:"project"`
	SQL       string          `json:"sql,omitempty"`
	Path      string          `json:"path"`
	Timestamp int64           `json:"timestamp"`
	Metadata  json.RawMessage `json:"metadata"`
}

// handleQuery answers a query from the project's metadata, read through
// the cache: GET ?project=P, or POST {"sql": ..., "project": P}. A node
// whose mode cannot serve queries answers 503, so a router skips it.
func (n *node) handleQuery(w http.ResponseWriter, r *http.Request) {
	if !n.self.Mode.CanQuery() {
		writeError(w, http.StatusServiceUnavailable, "this node's kylin.server.mode is "+n.self.Mode.String()+": it serves no queries")
		return
	}
	q, err := readQuery(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	path := "/project/" + q.Project + ".json"
	res, err := n.meta.Get(r.Context(), path)
	switch {
	case errors.Is(err, metastore.ErrNotFound):
		writeError(w, http.StatusNotFound, "no project "+q.Project+" (no "+path+" in the metastore)")
		return
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, queryAnswer{Node: n.self.Addr, Mode: n.self.Mode.String(), Project: q.Project,
		SQL: q.SQL, Path: path, Timestamp: res.Timestamp, Metadata: asJSON(res.Content)})
}

func readQuery(r *http.Request) (queryRequest, error) {
	q := queryRequest{Project: r.URL.Query().Get("project"), SQL: r.URL.Query().Get("sql")}
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return q, err
		}
		if err := json.Unmarshal(body, &q); err != nil {
			return q, errors.New(`the body must be JSON like {"sql": "select ...", "project": "learn_kylin"}: ` + err.Error())
		}
	}
	if q.Project == "" {
		return q, errors.New("name the project: ?project=NAME or a \"project\" field in the JSON body")
	}
	if err := checkName(q.Project); err != nil {
		return q, err
	}
	return q, nil
}

// checkName refuses a project name that would escape /project/.
func checkName(name string) error {
	for _, c := range name {
		if c == '/' || c == '\\' || c == 0 {
			return errors.New("a project name cannot hold '/', '\\' or NUL")
		}
	}
	if name == "." || name == ".." {
		return errors.New(`a project name cannot be "." or ".."`)
	}
	return nil
}

// asJSON passes JSON content through and quotes anything else.
func asJSON(b []byte) json.RawMessage {
	if json.Valid(b) {
		return b
	}
	q, _ := json.Marshal(string(b))
	return q
}
