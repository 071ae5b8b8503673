package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/secret"
)

func TestParseServerList(t *testing.T) {
	cases := []struct {
		in   string
		want []ServerAddr
	}{
		{"", nil},
		{" , ", nil},
		{"host", []ServerAddr{{Host: "host", Port: 7070}}},
		{"host:7071", []ServerAddr{{Host: "host", Port: 7071}}},
		{"a:1, b:2 ,c", []ServerAddr{{Host: "a", Port: 1}, {Host: "b", Port: 2}, {Host: "c", Port: 7070}}},
		{"ADMIN:KYLIN@host:7070", []ServerAddr{{User: "ADMIN", Password: secret.New("KYLIN"), Host: "host", Port: 7070}}},
		{"u:p@ss:w@rd@host", []ServerAddr{{User: "u", Password: secret.New("p@ss:w@rd"), Host: "host", Port: 7070}}},
		{"u:@host", []ServerAddr{{User: "u", Host: "host", Port: 7070}}},
		{"[::1]:7071", []ServerAddr{{Host: "::1", Port: 7071}}},
		{"[::1]", []ServerAddr{{Host: "::1", Port: 7070}}},
		{"u:p@[fe80::1]:8080", []ServerAddr{{User: "u", Password: secret.New("p"), Host: "fe80::1", Port: 8080}}},
		{"10.0.0.1:7070,", []ServerAddr{{Host: "10.0.0.1", Port: 7070}}},
	}
	for _, c := range cases {
		got, err := ParseServerList(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseServerList(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

func TestParseServerListErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"host:0", `port "0" must be a number from 1 to 65535`},
		{"host:65536", `port "65536" must be a number from 1 to 65535`},
		{"host:http", `port "http" must be a number from 1 to 65535`},
		{"host:", `port "" must be a number from 1 to 65535`},
		{"host:+80", `port "+80" must be a number from 1 to 65535`},
		{":7070", `no host in ":7070"`},
		{"::1", "IPv6 address must be in brackets"},
		{"fe80::1:7070", "IPv6 address must be in brackets"},
		{"[zz::]:1", `host "zz::" is not an IPv6 address`},
		{"user@host", "credentials must be user:password"},
		{":pw@host", "credentials must be user:password"},
		{"ho st:1", "holds a character a host name cannot"},
		{"http://host:1", "is not host:port"},
		{"a:1:2", "is not host:port"},
	}
	for _, c := range cases {
		_, err := ParseServerList("good:1," + c.in)
		if err == nil {
			t.Errorf("ParseServerList(%q): no error", c.in)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) || !strings.Contains(msg, "write [user:password@]host[:port]") {
			t.Errorf("ParseServerList(%q) = %q; want it to contain %q and the expected form", c.in, msg, c.want)
		}
	}
}

func TestServerListErrorHidesPassword(t *testing.T) {
	_, err := ParseServerList("admin:hunter2@host:99999")
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "admin:***@") {
		t.Fatalf("got %v; want an error with the password replaced by ***", err)
	}
	a := ServerAddr{User: "admin", Password: secret.New("hunter2"), Host: "h", Port: 1}
	if s := a.String(); s != "admin:***@h:1" {
		t.Fatalf("String() = %q", s)
	}
}

func TestParseServersWithMode(t *testing.T) {
	got, err := ParseServersWithMode("a:7070:all, b:7071:QUERY,[::1]:7072:job,c:1:stream_coordinator")
	want := []ServerAddr{
		{Host: "a", Port: 7070, Mode: "all"},
		{Host: "b", Port: 7071, Mode: "query"},
		{Host: "::1", Port: 7072, Mode: "job"},
		{Host: "c", Port: 1, Mode: "stream_coordinator"},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}
	for in, msg := range map[string]string{
		"a:7070":        `mode "7070" must be all`,
		"a:7070:boss":   `mode "boss" must be all`,
		"a":             "no mode",
		"a:all":         "no port",
		"a:0:all":       `port "0"`,
		"[::1]:all":     "no port",
		"u:p@a:1:query": "is not host:port",
	} {
		_, err := ParseServersWithMode(in)
		if err == nil || !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), "write host:port:mode") {
			t.Errorf("ParseServersWithMode(%q) = %v; want %q", in, err, msg)
		}
	}
}

func TestServerAddrRoundTrip(t *testing.T) {
	for _, in := range []string{"h:1", "[::1]:7070", "a.b.c:65535"} {
		got, err := ParseServerList(in)
		if err != nil || len(got) != 1 || got[0].String() != in {
			t.Errorf("%q -> %+v %v", in, got, err)
		}
	}
}
