package testenv

import "testing"

// EnvKylinJars names the directory that scripts/kylin-jars.sh prints:
// Kylin 3.1.3's jars in its lib/ folder. make test sets it.
const EnvKylinJars = "KYLIN_TEST_KYLIN_JARS"

// KylinJars returns the directory of Kylin 3.1.3's jars (see
// scripts/kylin-jars.sh). Unset, the test is skipped locally and fails
// under CI=true.
func KylinJars(t testing.TB) string {
	t.Helper()
	return require(t, EnvKylinJars, "the Kylin 3.1.3 jar set")
}
