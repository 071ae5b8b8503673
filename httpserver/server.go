package httpserver

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
)

// Option configures New.
type Option func(*options)

type options struct{ log *zap.Logger }

// WithEnv gives the server the host's logger: errors the server cannot
// return (a failed TLS handshake, a handler panic) go to it at WARN. The
// default is silent.
func WithEnv(e hostenv.Env) Option { return func(o *options) { o.log = e.Logger } }

// New returns a server for h with cfg's timeouts and header bound; zero
// fields take config.Default().HTTP's, and a field config refuses (a
// negative timeout would mean none) is an error naming its key. New
// ignores cfg's TLS files: to serve HTTPS set the server's TLSConfig from
// TLSConfig(cfg), and Serve serves HTTPS.
func New(h http.Handler, cfg config.HTTP, opts ...Option) (*http.Server, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err // names the key
	}
	var o options
	for _, f := range opts {
		f(&o)
	}
	log := hostenv.Env{Logger: o.log}.WithDefaults().Logger
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          zap.NewStdLog(log.WithOptions(zap.IncreaseLevel(zap.WarnLevel))),
	}, nil
}

// TLSConfig loads cfg's certificate and key (PEM) into a server TLS
// configuration, TLS 1.2 or later.
func TLSConfig(cfg config.HTTP) (*tls.Config, error) {
	if cfg.TLSCertFile == "" || cfg.TLSKeyFile == "" {
		return nil, errors.New("httpserver: set both kylin.go.http.tls-cert and kylin.go.http.tls-key")
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
	if err != nil {
		return nil, fmt.Errorf("httpserver: kylin.go.http.tls-cert=%s, tls-key=%s: %w", cfg.TLSCertFile, cfg.TLSKeyFile, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// Serve serves srv on ln, over TLS when srv has a TLSConfig.
// It returns what http.Server.Serve returns.
func Serve(srv *http.Server, ln net.Listener) error {
	if srv.TLSConfig != nil {
		return srv.ServeTLS(ln, "", "")
	}
	return srv.Serve(ln)
}

// Scheme is "https" for a server with a TLSConfig, else "http".
func Scheme(srv *http.Server) string {
	if srv.TLSConfig != nil {
		return "https"
	}
	return "http"
}
