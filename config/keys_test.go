package config

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite KEYS.md from the key table")

// keysMarkdown renders the key table as KEYS.md.
func keysMarkdown() string {
	var b strings.Builder
	b.WriteString("# Configuration keys\n\n")
	b.WriteString("Generated from `config/keys.go` by `go test ./config -run TestKeysMarkdown -update`; do not edit.\n\n")
	b.WriteString("Every key the `config` package reads. Kylin's keys keep Kylin 3.1.3's defaults (with\n")
	b.WriteString("`kylin-defaults.properties` applied); keys marked **ours** start with `kylin.go.` and do not\n")
	b.WriteString("exist in Kylin. Old key names are renamed as Kylin renames them (`kylin.rest.servers` ->\n")
	b.WriteString("`kylin.server.cluster-servers`, ...). Other `kylin.*` keys are kept in `Config.Raw`.\n\n")
	b.WriteString("| Key | Default | Field | Meaning |\n|---|---|---|---|\n")
	for _, k := range Keys() {
		def := "`" + k.Default + "`"
		if k.Default == "" {
			def = "(empty)"
		} else if strings.HasPrefix(k.Default, "(") {
			def = k.Default
		}
		field := "-"
		if k.Field != "" {
			field = "`" + k.Field + "`"
		}
		meaning := k.Meaning
		if k.Ours {
			meaning = "**ours**: " + meaning
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", k.Name, def, field, strings.ReplaceAll(meaning, "|", "\\|"))
	}
	return b.String()
}

func TestKeysMarkdown(t *testing.T) {
	want := keysMarkdown()
	if *update {
		if err := os.WriteFile("KEYS.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("KEYS.md")
	if err != nil {
		t.Fatalf("%v (run go test ./config -run TestKeysMarkdown -update)", err)
	}
	if string(got) != want {
		t.Fatal("KEYS.md is out of date: run go test ./config -run TestKeysMarkdown -update")
	}
}

func TestKeysAreUniqueAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Keys() {
		if seen[k.Name] {
			t.Errorf("%s listed twice", k.Name)
		}
		seen[k.Name] = true
		if k.Meaning == "" {
			t.Errorf("%s has no meaning", k.Name)
		}
	}
	if len(seen) != len(keyIndex) {
		t.Errorf("keyIndex has %d keys, table %d", len(keyIndex), len(seen))
	}
}
