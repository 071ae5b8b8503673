package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/cluster/cachesync"
	"github.com/kylin-go/kylin/httpserver"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/scheduler"
)

// serve mounts every endpoint and serves on ln until shutdown. Every
// write needs ROLE_ADMIN (Basic against Kylin's user records, or the
// bearer token); so do reads of user records and ACLs (handleGetResource).
// Queries, job and other resource reads, health, metrics and status are
// open, as this example serves them to its router and operators.
func (n *node) serve(ln net.Listener) {
	mux := http.NewServeMux()
	admin := func(h http.HandlerFunc) http.Handler { return auth.Require(n.apiAuth, auth.RoleAdmin, h) }
	mux.Handle(cluster.CachePathPrefix, n.cacheHandler())
	mux.HandleFunc("GET /kylin/api/query", n.handleQuery)
	mux.HandleFunc("POST /kylin/api/query", n.handleQuery)
	mux.HandleFunc("GET /kylin/api/resource/{path...}", n.handleGetResource)
	mux.Handle("PUT /kylin/api/resource/{path...}", admin(n.handlePutResource))
	mux.Handle("POST /kylin/api/jobs", admin(n.handleSubmitJob))
	mux.HandleFunc("GET /kylin/api/jobs", n.handleListJobs)
	mux.HandleFunc("GET /kylin/api/jobs/{id}", n.handleGetJob)
	mux.Handle("PUT /kylin/api/jobs/{id}/{action}", admin(n.handleJobAction))
	mux.HandleFunc("GET /kylin/api/health", n.handleHealth)
	mux.HandleFunc("GET /healthz", n.handleHealth)
	mux.HandleFunc("GET /readyz", n.handleReady)
	mux.Handle("GET /metrics", promhttp.HandlerFor(n.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /status", n.handleStatus)
	n.srv.Handler = mux
	go func() { n.served <- httpserver.Serve(n.srv, ln) }()
}

// cacheHandler is Kylin's cache-sync endpoint: events drop stale entries
// from the metadata cache, and job events ("execute", "execute_output")
// wake the job engine for that job, so a job submitted on another node
// starts now, not at the next poll.
func (n *node) cacheHandler() *cluster.Handler {
	h := cluster.NewHandler(auth.ForCacheEndpoint(n.cfg, n.raw), cluster.WithEnv(n.env))
	cachesync.Register(h, n.meta)
	h.Register(n.engine.Listener(), scheduler.JobEntities...)
	return h
}

// handleHealth is liveness: the process serves HTTP.
func (n *node) handleHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "node": n.self.Addr})
}

// handleReady is readiness: started, not shutting down, and the metastore
// answers.
func (n *node) handleReady(w http.ResponseWriter, r *http.Request) {
	if !n.ready.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "stopping"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if _, err := n.raw.Exists(ctx, metastore.UUIDPath); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "metastore unavailable", "error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "node": n.self.Addr, "mode": n.self.Mode.String()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
