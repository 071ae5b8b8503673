package jdbcstore

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain()) // a writer process of TestCrossProcessCAS
	}
	goleak.VerifyTestMain(m)
}

// testServer is a MariaDB the tests may create databases on.
type testServer struct {
	addr testenv.MariaDBAddr
	dsn  string
}

// sharedServer is the MariaDB of make test (KYLIN_TEST_MARIADB).
func sharedServer(t testing.TB) testServer {
	t.Helper()
	dsn := testenv.MariaDB(t)
	a, _ := testenv.ParseMariaDBDSN(dsn)
	return testServer{addr: a, dsn: dsn}
}

// freshDB creates a database of its own (utf8mb4, as the script's) for
// the test, drops it when the test ends, and returns its name.
func (s testServer) freshDB(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("jdbctest_%d", time.Now().UnixNano())
	admin := s.admin(t)
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	return name
}

// admin is a plain connection to the server's default database.
func (s testServer) admin(t testing.TB) *sql.DB {
	t.Helper()
	return s.open(t, s.addr.Database)
}

// open is a plain connection to database db.
func (s testServer) open(t testing.TB, db string) *sql.DB {
	t.Helper()
	conn, err := sql.Open("mysql", fmt.Sprintf("%s:%s@tcp(%s)/%s", s.addr.User, s.addr.Password, s.addr.HostPort, db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// url is a Kylin metadata URL for identifier id in database db.
func (s testServer) url(id, db string, extra ...string) string {
	u := id + "@jdbc,url=jdbc:mysql://" + s.addr.HostPort + "/" + db + ",username=" + s.addr.User + ",password=" + s.addr.Password
	for _, e := range extra {
		u += "," + e
	}
	return u
}

// openDriver opens the driver on url and closes it when the test ends.
func openDriver(t testing.TB, cfg Config) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := OpenDriver(ctx, cfg, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// openStore is openDriver wrapped in the portable Store.
func openStore(t testing.TB, cfg Config) metastore.Store {
	t.Helper()
	d := openDriver(t, cfg)
	s := metastore.New(d)
	t.Cleanup(func() { s.Close() })
	return s
}
