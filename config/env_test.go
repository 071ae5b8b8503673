package config

import (
	"path/filepath"
	"testing"
)

func TestSubstituteEnv(t *testing.T) {
	env := map[string]string{"A": "x", "B": "${A}", "EMPTY": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{"${A}", "x"},
		{"pre-${A}-post", "pre-x-post"},
		{"${A}${A}", "xx"},
		{"${NOPE}", "${NOPE}"},        // unknown: kept as written
		{"${NOPE}/${A}", "${NOPE}/x"}, // and the rest still substituted
		{"$${A}", "${A}"},             // escape
		{"${B}", "${A}"},              // a value is not substituted again
		{"${EMPTY}", ""},              // set but empty
		{"${A", "${A"},                // unterminated
		{"${}", "${}"},                // no name
		{"$A {A} $", "$A {A} $"},      // not a variable
		{"${A${A}}", "${A${A}}"},      // nested name: no such variable
		{"}${A}{", "}x{"},
	}
	for _, c := range cases {
		if got := substituteEnv(c.in, lookup); got != c.want {
			t.Errorf("substituteEnv(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLoadSubstitutesEnvOnly(t *testing.T) {
	t.Setenv("KYLIN_TEST_META_HOME", "/opt/meta")
	dir := writeFiles(t, map[string]string{SiteFile: "" +
		"kylin.metadata.url=${KYLIN_TEST_META_HOME}/store\n" +
		"kylin.test.base=/base\n" +
		"kylin.env.hdfs-working-dir=${kylin.test.base}/work\n" + // another property: never expanded
		"kylin.server.cluster-name=${KYLIN_TEST_UNSET_VARIABLE}\n"})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Metastore.URL != "/opt/meta/store" {
		t.Errorf("URL = %q, want the environment variable substituted", c.Metastore.URL)
	}
	if c.Metastore.HDFSWorkingDir != "${kylin.test.base}/work" {
		t.Errorf("HDFSWorkingDir = %q, want the property reference kept as written", c.Metastore.HDFSWorkingDir)
	}
	if c.Server.ClusterName != "${KYLIN_TEST_UNSET_VARIABLE}" {
		t.Errorf("ClusterName = %q, want an unset variable kept as written", c.Server.ClusterName)
	}
	if c.Sources["kylin.metadata.url"] != filepath.Join(dir, SiteFile) {
		t.Errorf("source not recorded")
	}
}
