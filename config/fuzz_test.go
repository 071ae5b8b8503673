package config

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// Seed corpora live in testdata/fuzz/<FuzzName>; f.Add adds a few more.

func FuzzLoad(f *testing.F) {
	f.Add([]byte("kylin.job.retry=3\nkylin.rest.servers=a:1,u:p@b\n"))
	f.Add([]byte("kylin.metadata.url=${HOME}/m\nkylin.x=${kylin.metadata.url}\n"))
	env := map[string]string{"HOME": "/home/k", "LOOP": "${LOOP}"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	f.Fuzz(func(t *testing.T, data []byte) {
		props, err := parseProperties(data, "fuzz.properties")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.properties") {
				t.Fatalf("parse error does not name the file: %v", err)
			}
			if len(err.Error()) > 600 {
				t.Fatalf("parse error of %d bytes", len(err.Error()))
			}
			return
		}
		if bytes.IndexByte(data, 0) >= 0 || bytes.HasPrefix(data, []byte{0x1f, 0x8b}) || !utf8.Valid(data) {
			t.Fatalf("binary, gzip or non-UTF-8 input loaded without error")
		}
		c := build(props, lookup)
		for k := range c.Raw {
			if c.Sources[k] != "fuzz.properties" {
				t.Fatalf("key %q has no source", k)
			}
		}
		if err := c.Validate(); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "config: ") {
					t.Fatalf("message without the config: prefix: %q", line)
				}
				if len(line) > 2000 {
					t.Fatalf("message of %d bytes: %.200q", len(line), line)
				}
			}
		}
	})
}

func FuzzParseMetadataURL(f *testing.F) {
	f.Add("kylin_metadata@hbase,hbase.zookeeper.quorum=zk1:2181")
	f.Add("a@b@c,k,=v,x==y")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseMetadataURL(s)
		if err != nil {
			return
		}
		if u.Identifier == "" || u.Params == nil {
			t.Fatalf("%q: empty identifier or nil params: %+v", s, u)
		}
		again, err := ParseMetadataURL(u.Full())
		if err != nil || !reflect.DeepEqual(again, u) {
			t.Fatalf("%q -> %q -> %+v, %v; want %+v", s, u.String(), again, err, u)
		}
	})
}

func FuzzParseServerList(f *testing.F) {
	f.Add("ADMIN:KYLIN@a:7070,[::1]:1,b")
	f.Add("a:1:all,b:2:query")
	f.Fuzz(func(t *testing.T, s string) {
		addrs, err := ParseServerList(s)
		if err == nil {
			for _, a := range addrs {
				if a.Host == "" || a.Port < 1 || a.Port > 65535 || a.Mode != "" {
					t.Fatalf("%q: bad entry %+v", s, a)
				}
				written := a.Addr()
				if a.User != "" {
					written = a.User + ":" + a.Password.Reveal() + "@" + written
				}
				again, err := ParseServerList(written)
				if err != nil || len(again) != 1 || !reflect.DeepEqual(again[0], a) {
					t.Fatalf("%q: entry %+v -> %q -> %+v, %v", s, a, written, again, err)
				}
			}
		}
		withMode, err := ParseServersWithMode(s)
		if err == nil {
			for _, a := range withMode {
				if a.Host == "" || a.Port < 1 || !validRole(a.Mode) {
					t.Fatalf("%q: bad entry %+v", s, a)
				}
			}
		}
	})
}

func FuzzSubstituteEnv(f *testing.F) {
	f.Add("${A}-$${A}-${B")
	env := map[string]string{"A": "x", "B": "${A}"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	f.Fuzz(func(t *testing.T, s string) {
		got := substituteEnv(s, lookup)
		if !strings.Contains(s, "${") && got != s {
			t.Fatalf("%q changed to %q without a variable", s, got)
		}
		if none := func(string) (string, bool) { return "", false }; !strings.Contains(s, "$${") && substituteEnv(s, none) != s {
			t.Fatalf("%q changed with no variables set", s)
		}
	})
}
