package zkmembership

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
)

// kylinWritten is a registration as Kylin 3.1 writes it through Curator
// 2.x's JsonInstanceSerializer (payload typed by @class).
const kylinWritten = `{"name":"cluster_servers","id":"3f2b8e9c-1d7a-4c55-9a51-0c6f7e2d9b10","address":"10.1.2.3","port":7070,"sslPort":null,"payload":{"@class":"java.util.LinkedHashMap","description":"query"},"registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC","uriSpec":null}`

func TestDecodeKylinRegistration(t *testing.T) {
	in, err := DecodeInstance([]byte(kylinWritten))
	if err != nil {
		t.Fatal(err)
	}
	want := Instance{ID: "3f2b8e9c-1d7a-4c55-9a51-0c6f7e2d9b10", Address: "10.1.2.3", Port: 7070, Mode: "query", Registered: time.UnixMilli(1700000000000)}
	if !reflect.DeepEqual(in, want) {
		t.Fatalf("got %+v, want %+v", in, want)
	}
	if n := in.Node(); n != (cluster.Node{Addr: "10.1.2.3:7070", Mode: cluster.ModeQuery}) {
		t.Fatalf("node %+v", n)
	}
	// Curator 4+ adds "enabled"; Kylin ignores unknown fields and so do we.
	if _, err := DecodeInstance([]byte(`{"name":"cluster_servers","id":"x","address":"h","port":1,"enabled":true,"payload":{"description":"all"}}`)); err != nil {
		t.Fatal(err)
	}
}

func TestEncodeMatchesCuratorFields(t *testing.T) {
	data, err := EncodeInstance(Instance{ID: "id-1", Address: "127.0.0.1", Port: 7070, Mode: "all", Registered: time.UnixMilli(1700000000000)})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"address", "id", "name", "payload", "port", "registrationTimeUTC", "serviceType", "sslPort", "uriSpec"}
	if !slices.Equal(keys, want) {
		t.Fatalf("fields %v, want Curator 2.x's %v", keys, want)
	}
	p := m["payload"].(map[string]any)
	if m["name"] != "cluster_servers" || m["serviceType"] != "DYNAMIC" || p["@class"] != "java.util.LinkedHashMap" || p["description"] != "all" ||
		m["registrationTimeUTC"].(float64) != 1700000000000 || m["port"].(float64) != 7070 {
		t.Fatalf("encoded %s", data)
	}
	if _, err := EncodeInstance(Instance{ID: "x", Address: "h"}); err == nil {
		t.Fatal("instance without a port encoded")
	}
}

func TestDecodeRejectsBadInstances(t *testing.T) {
	for _, s := range []string{
		``, `null`, `[]`, `{"name":"other","address":"h","port":1}`, `{"name":"cluster_servers","port":1}`,
		`{"name":"cluster_servers","address":"h","port":0}`, `{"name":"cluster_servers","address":"h","port":70000}`,
		`{"name":"cluster_servers","address":"h"}`, `{"name":"cluster_servers","address":"h","port":"7070"}`,
	} {
		if in, err := DecodeInstance([]byte(s)); err == nil {
			t.Errorf("%q decoded to %+v", s, in)
		}
	}
}

func FuzzDecodeInstance(f *testing.F) {
	f.Add([]byte(kylinWritten))
	f.Add([]byte(`{"name":"cluster_servers","address":"h","port":1,"payload":null}`))
	f.Add([]byte(`{"name":"cluster_servers","address":"::1","port":65535,"payload":{"description":"job,query"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := DecodeInstance(data)
		if err != nil {
			return
		}
		n := in.Node()
		if n.Addr == "" || n.Mode == 0 || in.Port <= 0 || in.Port > 65535 {
			t.Fatalf("decoded %+v to node %+v", in, n)
		}
		if in.ID != "" {
			again, err := EncodeInstance(in)
			if err != nil {
				t.Fatalf("re-encode %+v: %v", in, err)
			}
			back, err := DecodeInstance(again)
			if err != nil || back.Address != in.Address || back.Port != in.Port || back.Mode != in.Mode || back.ID != in.ID {
				t.Fatalf("round trip %+v -> %+v (%v)", in, back, err)
			}
		}
	})
}
