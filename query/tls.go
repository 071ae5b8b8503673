package query

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"

	kconfig "github.com/kylin-go/kylin/config"
)

// nodeTLS builds the client TLS configuration for nodes that speak TLS
// (config.Query.NodeTLS): the nodes' certificates are checked against
// NodeCA, or the system roots when it is empty. nil when NodeTLS is off.
func nodeTLS(cfg kconfig.Query) (*tls.Config, error) {
	if !cfg.NodeTLS {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.NodeCA == "" {
		return c, nil
	}
	pem, err := os.ReadFile(cfg.NodeCA)
	if err != nil {
		return nil, fmt.Errorf("query: reading the nodes' CA (kylin.go.router.node-ca): %w", err)
	}
	c.RootCAs = x509.NewCertPool()
	if !c.RootCAs.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("query: kylin.go.router.node-ca %s holds no PEM certificate", cfg.NodeCA)
	}
	return c, nil
}

// NodeTLS returns the TLS configuration for connections to the nodes (a
// clone: the caller may change it), nil when they speak plain HTTP.
func (r *Router) NodeTLS() *tls.Config {
	if r.nodeTLS == nil {
		return nil
	}
	return r.nodeTLS.Clone()
}

// scheme is the URL scheme of the nodes.
func (r *Router) scheme() string {
	if r.nodeTLS != nil {
		return "https"
	}
	return "http"
}
