package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
)

// testCA is a certificate authority made for one test run.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kylin-go test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a certificate for 127.0.0.1 signed by the CA, as PEM.
func (ca *testCA) issue(t *testing.T, serial int64) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// TestRouterTLS runs the program with TLS on both sides: clients reach it
// over TLS with a certificate from a CA made for this run, and it reaches
// nodes that serve TLS only, trusting that CA. Nodes see
// X-Forwarded-Proto https. A client that does not trust the CA is refused
// (the negative control: the TLS is real).
func TestRouterTLS(t *testing.T) {
	for _, plane := range []string{"h1", "net/http"} {
		t.Run(strings.ReplaceAll(plane, "/", ""), func(t *testing.T) { testTLS(t, plane) })
	}
}

func testTLS(t *testing.T, plane string) {
	ca := newTestCA(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	nodeCert, nodeKey := ca.issue(t, 2)
	pair, err := tls.X509KeyPair(nodeCert, nodeKey)
	if err != nil {
		t.Fatal(err)
	}
	node := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "tls node, proto "+r.Header.Get("X-Forwarded-Proto"))
	}))
	node.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	node.StartTLS()
	defer node.Close()
	routerCert, routerKey := ca.issue(t, 3)
	props := fmt.Sprintf(`kylin.server.cluster-servers=%s
kylin.go.router.listen=127.0.0.1:0
kylin.go.router.admin-listen=
kylin.go.router.data-plane=%s
kylin.go.router.tls-cert=%s
kylin.go.router.tls-key=%s
kylin.go.router.node-tls=true
kylin.go.router.node-ca=%s
`, node.Listener.Addr().String(), plane, write("router.pem", routerCert), write("router.key", routerKey), write("ca.pem", ca.pem))
	write("kylin.properties", []byte(props))
	ctx, cancel := context.WithCancel(context.Background())
	up, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- run(ctx, dir, "", zaptest.NewLogger(t), func(a, _ string) { up <- a }) }()
	var addr string
	select {
	case addr = <-up:
	case err := <-done:
		t.Fatalf("router did not start: %v", err)
	}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca.pem)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	defer tr.CloseIdleConnections()
	for i := 0; i < 3; i++ {
		resp, err := (&http.Client{Transport: tr}).Get("https://" + addr + "/kylin/api/projects")
		if err != nil {
			t.Fatalf("GET over TLS through the router: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "tls node, proto https" {
			t.Fatalf("through the router to a TLS node: %d %q", resp.StatusCode, b)
		}
	}
	untrusting := &http.Transport{}
	defer untrusting.CloseIdleConnections()
	if _, err := (&http.Client{Transport: untrusting}).Get("https://" + addr + "/"); err == nil ||
		!strings.Contains(err.Error(), "certificate") {
		t.Fatalf("a client without the test CA: %v; want a certificate error", err)
	}
}
