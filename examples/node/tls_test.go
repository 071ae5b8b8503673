package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCA is a certificate authority made for one test, and a server
// certificate it signed for 127.0.0.1 and localhost.
type testCA struct {
	caFile, certFile, keyFile string
	pool                      *x509.CertPool
}

func newTestCA(t *testing.T) testCA {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kylin-go test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "node"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	ca := testCA{caFile: filepath.Join(dir, "ca.pem"), certFile: filepath.Join(dir, "node.pem"), keyFile: filepath.Join(dir, "node.key"),
		pool: x509.NewCertPool()}
	ca.pool.AddCert(caCert)
	write := func(path, typ string, b []byte) {
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(ca.caFile, "CERTIFICATE", caDER)
	write(ca.certFile, "CERTIFICATE", der)
	write(ca.keyFile, "EC PRIVATE KEY", keyDER)
	return ca
}

// startTLSNode starts a node serving HTTPS with ca's certificate; its
// client trusts ca.
func startTLSNode(t *testing.T, ca testCA, props ...string) *testNode {
	t.Helper()
	n := startTestNode(t, append([]string{"kylin.go.http.tls-cert=" + ca.certFile, "kylin.go.http.tls-key=" + ca.keyFile,
		"kylin.go.broadcast.scheme=https", "kylin.metadata.sync-retries=0"}, props...)...)
	n.base = "https://" + strings.TrimPrefix(n.base, "http://")
	n.client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.pool}}, Timeout: 30 * time.Second}
	return n
}

// A node given a certificate and key serves HTTPS, and its broadcaster
// reaches https peers (here itself) through the configured CA. Without the
// CA (the negative control) the same broadcast fails and the peer is stale.
func TestNodeServesTLSAndBroadcastsOverIt(t *testing.T) {
	ca := newTestCA(t)
	n := startTLSNode(t, ca, "kylin.go.broadcast.tls-ca="+ca.caFile)
	n.mustDo("GET", "/healthz", "", http.StatusOK)
	var put map[string]any
	if err := json.Unmarshal([]byte(n.mustDo("PUT", "/kylin/api/resource/project/p.json", projectJSON(1), http.StatusOK)), &put); err != nil {
		t.Fatal(err)
	}
	if put["announced_to"] != 1.0 || put["stale"] != nil || put["behind"] != nil {
		t.Errorf("broadcast over https: %v", put)
	}
	addr := strings.TrimPrefix(n.base, "https://")
	if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP answered 200 on the TLS port")
		}
	}
	if _, err := (&http.Client{Timeout: 10 * time.Second}).Get(n.base + "/healthz"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a client without the CA: %v, want a certificate error", err)
	}

	control := startTLSNode(t, ca) // no tls-ca: the system's roots do not know the test CA
	b := control.mustDo("PUT", "/kylin/api/resource/project/p.json", projectJSON(1), http.StatusOK)
	if !strings.Contains(b, `"stale"`) && !strings.Contains(b, `"behind"`) {
		t.Errorf("control: a broadcast without the CA reached the node: %s", b)
	}
}
