package main

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/h1proxy"
)

var errServerClosed = http.ErrServerClosed

// dataPlane is one of the Router's front ends.
type dataPlane interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
}

func newDataPlane(kind string, r *query.Router, reg prometheus.Registerer, log *zap.Logger) (dataPlane, error) {
	if kind == "net/http" {
		return &http.Server{Handler: r, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 90 * time.Second,
			ErrorLog: zap.NewStdLog(log)}, nil
	}
	return h1proxy.New(r, h1proxy.WithEnv(hostenv.Env{Logger: log, Registerer: reg}))
}

// startAdmin serves /metrics, GET /nodes, POST /drain?node=host:port and
// POST /undrain?node=host:port on a separate (by default loopback) port.
func startAdmin(addr, token string, r *query.Router, reg *prometheus.Registry, log *zap.Logger) (*http.Server, string, error) {
	if token == "" && addr != "" && !loopback(addr) {
		return nil, "", fmt.Errorf("kylin.go.router.admin-listen=%s is not a loopback address: set kylin.go.router.admin-token "+
			"so that POST /drain and /undrain ask for it, or listen on 127.0.0.1", addr)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /nodes", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(r.Nodes())
	})
	mux.HandleFunc("POST /drain", authorized(token, func(w http.ResponseWriter, req *http.Request) {
		adminResult(w, r.Drain(req.Context(), req.URL.Query().Get("node")))
	}))
	mux.HandleFunc("POST /undrain", authorized(token, func(w http.ResponseWriter, req *http.Request) {
		adminResult(w, r.Undrain(req.URL.Query().Get("node")))
	}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if addr == "" {
		return srv, "", nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", err
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("admin endpoint stopped", zap.Error(err))
		}
	}()
	return srv, ln.Addr().String(), nil
}

func adminResult(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, query.ErrUnknownNode):
		http.Error(w, err.Error(), http.StatusNotFound)
	case err != nil:
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// listen opens the data plane's listener: TLS when kylin.go.router.tls-cert
// and tls-key are set.
func listen(cfg config.Query) (net.Listener, error) {
	var conf *tls.Config
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("kylin.go.router.tls-cert=%s, tls-key=%s: %w", cfg.TLSCert, cfg.TLSKey, err)
		}
		conf = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("kylin.go.router.listen=%s: %w", cfg.Listen, err)
	}
	if conf != nil {
		ln = tls.NewListener(ln, conf)
	}
	return ln, nil
}

// authorized lets a request through when token is empty (a loopback admin
// endpoint) or the request carries "Authorization: Bearer <token>" (the
// scheme in any case, RFC 7235); others get 401 and change nothing.
func authorized(token string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		if token != "" {
			scheme, cred, _ := strings.Cut(req.Header.Get("Authorization"), " ")
			if !strings.EqualFold(scheme, "Bearer") ||
				subtle.ConstantTimeCompare([]byte(strings.TrimSpace(cred)), []byte(token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="kylin-go router admin"`)
				http.Error(w, "router admin: send Authorization: Bearer <kylin.go.router.admin-token>", http.StatusUnauthorized)
				return
			}
		}
		h(w, req)
	}
}

// loopback reports whether a listen address is on the loopback interface.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
