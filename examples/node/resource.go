package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/metastore"
)

// maxResourceBytes bounds a resource written through the API.
const maxResourceBytes = 8 << 20

// handleGetResource returns a resource's content, read through the cache;
// its timestamp is in the X-Kylin-Timestamp header. User records (with
// their password hashes) and ACLs are shown to administrators only.
func (n *node) handleGetResource(w http.ResponseWriter, r *http.Request) {
	p := "/" + r.PathValue("path")
	if sensitive(p) {
		if _, ok := auth.Authorize(w, r, n.apiAuth, auth.RoleAdmin); !ok {
			return
		}
	}
	res, err := n.meta.Get(r.Context(), p)
	if err != nil {
		writeError(w, storeStatus(err), err.Error())
		return
	}
	w.Header().Set("X-Kylin-Timestamp", strconv.FormatInt(res.Timestamp, 10))
	w.Write(res.Content)
}

// handlePutResource writes the body through the cache: compare-and-set
// (against ?ts=N when given, else the timestamp read just before), then a
// broadcast to every node, then it waits (up to 10 s) until every node
// has the event, so a read anywhere afterwards sees the new content.
func (n *node) handlePutResource(w http.ResponseWriter, r *http.Request) {
	path := "/" + r.PathValue("path")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxResourceBytes+1))
	if err != nil || len(body) > maxResourceBytes {
		writeError(w, http.StatusRequestEntityTooLarge, "resource bodies are limited to 8 MiB")
		return
	}
	old, err := n.expectedTS(r, path)
	if err != nil {
		writeError(w, storeStatus(err), err.Error())
		return
	}
	ts, err := n.meta.Put(r.Context(), path, body, old)
	if err != nil {
		writeError(w, storeStatus(err), err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	out := map[string]any{"path": path, "timestamp": ts, "announced_to": len(n.bc.Nodes())}
	var se *cluster.SyncError
	if err := n.bc.Sync(ctx); errors.As(err, &se) {
		out["behind"], out["stale"] = se.Behind, se.Stale
	}
	writeJSON(w, http.StatusOK, out)
}

// sensitive reports whether p, once cleaned as the metastore cleans it,
// is a user record or an ACL, or their folders.
func sensitive(p string) bool {
	c := path.Clean(strings.ReplaceAll(p, "\\", "/"))
	for _, folder := range []string{"/user", "/acl"} {
		if c == folder || strings.HasPrefix(c, folder+"/") {
			return true
		}
	}
	return false
}

// expectedTS is ?ts=N, or the stored timestamp (0 when absent).
func (n *node) expectedTS(r *http.Request, path string) (int64, error) {
	if v := r.URL.Query().Get("ts"); v != "" {
		ts, err := strconv.ParseInt(v, 10, 64)
		if err != nil || ts < 0 {
			return 0, errors.New("ts must be the resource's current timestamp (0: it must not exist)")
		}
		return ts, nil
	}
	res, err := n.raw.Get(r.Context(), path)
	if errors.Is(err, metastore.ErrNotFound) {
		return 0, nil
	}
	return res.Timestamp, err
}

// storeStatus maps metastore errors to HTTP statuses.
func storeStatus(err error) int {
	switch {
	case errors.Is(err, metastore.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, metastore.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, metastore.ErrInvalidPath):
		return http.StatusBadRequest
	default:
		return http.StatusInternalServerError
	}
}
