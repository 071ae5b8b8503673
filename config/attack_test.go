package config

import (
	"bytes"
	"compress/gzip"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configAttack is one kylin.properties an attacker (or an accident) hands
// a node, and the refusal expected. byText marks rows refused because the
// file is not properties text.
type configAttack struct {
	name   string
	data   []byte
	want   string
	byText bool
}

func configAttacks() []configAttack {
	good := "kylin.server.mode=query\nkylin.job.scheduler.default=2\n"
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(good))
	w.Close()
	random := make([]byte, 2048)
	rand.New(rand.NewSource(42)).Read(random)
	be16 := []byte{0xfe, 0xff}
	for _, c := range good {
		be16 = append(be16, 0, byte(c))
	}
	return []configAttack{
		{"UTF-16LE", utf16LE(good), "UTF-16", true},
		{"UTF-16BE", be16, "UTF-16", true},
		{"UTF-16 without a BOM", utf16LE(good)[2:], "NUL byte", true},
		{"UTF-32", append([]byte{0, 0, 0xfe, 0xff}, []byte(good)...), "UTF-16 or UTF-32", true},
		{"gzip", gz.Bytes(), "gzip", true},
		{"zip", append([]byte("PK\x03\x04"), []byte(good)...), "control byte 0x03", true},
		{"ELF", append([]byte("\x7fELF\x02\x01\x01"), []byte(good)...), "control byte", true},
		{"random bytes", random, SiteFile, true},
		{"Latin-1", []byte(good + "kylin.x=d\xe9j\xe0\n"), "not valid UTF-8", true},
		{"NUL in a value", []byte(good + "kylin.x=a\x00b\n"), "NUL byte on line 3", true},
		{"terminal escape", []byte(good + "kylin.x=\x1b]0;pwned\x07\n"), "control byte 0x1b on line 3", true},
		{"100 KB number", []byte("kylin.job.retry=" + strings.Repeat("9", 100<<10) + "\n"), "kylin.job.retry=999", false},
		{"mode injection", []byte("kylin.server.mode=all\\u000akylin.job.scheduler.default=2\n"), "kylin.server.mode", false},
		{"token with a newline", []byte("kylin.go.broadcast.token=a\\nb\n"), "must not hold spaces or control characters", false},
		{"unknown user source", []byte("kylin.go.security.users=ldap\n"), "must be metastore", false},
		{"plain-HTTP CA", []byte("kylin.go.broadcast.tls-ca=/ca.pem\n"), "is used only with kylin.go.broadcast.scheme=https", false},
		{"credential mismatch", []byte("kylin.server.cluster-servers=ADMIN:pw@a:7070\nkylin.go.broadcast.token=t\nkylin.go.security.users=none\n"), "sends Basic credentials", false},
		{"zero idle timeout", []byte("kylin.go.http.idle-timeout-ms=0\n"), "must be more than 0 ms", false},
	}
}

// runConfigAttacks loads every row and returns the rows not refused as
// expected: no error, an error without the expected words, an error of
// more than 1000 bytes, or one that shows the planted password.
func runConfigAttacks(t *testing.T) (failed []string, textFailed int) {
	for _, r := range configAttacks() {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, SiteFile), r.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(dir)
		msg := ""
		switch {
		case err == nil:
			msg = r.name + ": loaded without error"
		case !strings.Contains(err.Error(), r.want):
			msg = r.name + ": error lacks " + r.want + ": " + clipValue(err.Error())
		case len(err.Error()) > 1000:
			msg = r.name + ": error too long"
		case strings.Contains(err.Error(), "ADMIN:pw@"):
			msg = r.name + ": error shows a password"
		}
		if msg != "" {
			failed = append(failed, msg)
			if r.byText {
				textFailed++
			}
		}
	}
	return failed, textFailed
}

func TestConfigAttackTable(t *testing.T) {
	failed, _ := runConfigAttacks(t)
	for _, f := range failed {
		t.Error(f)
	}
}

// The negative control: without the text check every row that relies on
// it fails (the file loads as junk keys on defaults), and only those.
func TestConfigAttackTableFailsWithoutTextCheck(t *testing.T) {
	textCheck = func([]byte) error { return nil }
	defer func() { textCheck = checkText }()
	failed, textFailed := runConfigAttacks(t)
	byText := 0
	for _, r := range configAttacks() {
		if r.byText {
			byText++
		}
	}
	if textFailed != byText || len(failed) != byText {
		t.Fatalf("without the text check %d of %d text rows failed, %d rows in all: %q", textFailed, byText, len(failed), failed)
	}
}
