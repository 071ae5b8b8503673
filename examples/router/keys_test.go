package main

import "testing"

func TestOwnKeys(t *testing.T) {
	k, err := loadOwnKeys(map[string]string{"kylin.go.router.shutdown-timeout-ms": "1500", "kylin.go.router.data-plane": "net/http"})
	if err != nil || k.ShutdownTimeout.Milliseconds() != 1500 || k.DataPlane != "net/http" || k.AdminListen != "127.0.0.1:7071" {
		t.Fatalf("loadOwnKeys: %+v, %v", k, err)
	}
	if k, err := loadOwnKeys(map[string]string{}); err != nil || k.DataPlane != "h1" {
		t.Errorf("loadOwnKeys(no keys): data plane %q, %v; want the default h1", k.DataPlane, err)
	}
	for _, bad := range []map[string]string{
		{"kylin.go.router.data-plane": "nginx"},
		{"kylin.go.router.shutdown-timeout-ms": "soon"},
		{"kylin.go.router.shutdown-timeout-ms": "-1"},
	} {
		if _, err := loadOwnKeys(bad); err == nil {
			t.Errorf("loadOwnKeys(%v) accepted a bad value", bad)
		}
	}
}
