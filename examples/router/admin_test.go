package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
)

// The admin endpoint's mutating routes ask for the token when one is set:
// without it (or with a wrong one) 401; with it, in any case of the
// scheme, 204. Without a token the endpoint refuses
// to listen beyond loopback.
func TestAdminToken(t *testing.T) {
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer node.Close()
	dir := t.TempDir()
	props := fmt.Sprintf("kylin.server.cluster-servers=%s\nkylin.go.router.listen=127.0.0.1:0\n"+
		"kylin.go.router.admin-listen=127.0.0.1:0\nkylin.go.router.admin-token=s3cret\n", node.Listener.Addr())
	if err := os.WriteFile(filepath.Join(dir, "kylin.properties"), []byte(props), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	up, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- run(ctx, dir, "", zaptest.NewLogger(t), func(_, a string) { up <- a }) }()
	var admin string
	select {
	case admin = <-up:
	case err := <-done:
		t.Fatalf("router did not start: %v", err)
	}
	defer func() { cancel(); <-done }()
	drain := func(auth string) int {
		req, _ := http.NewRequest("POST", "http://"+admin+"/undrain?node="+node.Listener.Addr().String(), nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, auth := range []string{"", "Bearer wrong", "Basic czNjcmV0", "Bearer"} {
		if s := drain(auth); s != http.StatusUnauthorized {
			t.Errorf("POST /undrain with Authorization %q: %d; want 401", auth, s)
		}
	}
	if s := drain("bearer s3cret"); s != http.StatusNoContent {
		t.Errorf("POST /undrain with the token: %d; want 204", s)
	}
	if _, _, err := startAdmin("0.0.0.0:0", "", nil, nil, zap.NewNop()); err == nil || !strings.Contains(err.Error(), "admin-token") {
		t.Errorf("an admin endpoint beyond loopback without a token: %v; want a refusal naming admin-token", err)
	}
}
