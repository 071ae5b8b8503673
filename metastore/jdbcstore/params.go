package jdbcstore

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/kylin-go/kylin/config"
)

// connParams is what the metadata URL's parameters say about connecting.
type connParams struct {
	mysql *mysql.Config // from url, username, password
	table string        // the identifier: the main table's name
	pool  poolParams
	// ignored lists parameters read but not acted on, for one log line.
	ignored []string
}

// poolParams are Kylin's DBCP settings as database/sql understands them.
type poolParams struct {
	maxOpen    int           // maxActive (5); <= 0: no limit
	maxIdle    int           // maxIdle (5); < 0: as many as maxOpen
	maxWait    time.Duration // maxWait (1000 ms): waiting for a pooled connection; < 0: forever
	maxIdleFor time.Duration // minEvictableIdleTimeMillis when timeBetweenEvictionRunsMillis > 0
}

// Kylin's pool defaults (JDBCConnectionManager).
var defaultPool = poolParams{maxOpen: 5, maxIdle: 5, maxWait: time.Second}

// jdbcDrivers are the driverClassName values that speak the MySQL protocol.
var jdbcDrivers = map[string]bool{
	"com.mysql.jdbc.Driver":    true, // Kylin's default
	"com.mysql.cj.jdbc.Driver": true,
	"org.mariadb.jdbc.Driver":  true,
}

// dbcpKnown are DBCP 1.4 settings that have no database/sql counterpart or
// are done differently here (the driver checks a pooled connection itself
// instead of running validationQuery). They are accepted and ignored.
var dbcpKnown = map[string]bool{
	"testOnBorrow": true, "testOnReturn": true, "testWhileIdle": true, "validationQuery": true,
	"validationQueryTimeout": true, "removeAbandoned": true, "removeAbandonedTimeout": true,
	"logAbandoned": true, "initialSize": true, "minIdle": true, "numTestsPerEvictionRun": true,
	"poolPreparedStatements": true, "maxOpenPreparedStatements": true, "defaultAutoCommit": true,
	"defaultReadOnly": true, "defaultTransactionIsolation": true, "defaultCatalog": true,
	"connectionInitSqls": true, "connectionProperties": true, "accessToUnderlyingConnectionAllowed": true,
}

// parseParams reads a jdbc metadata URL's parameters. iv is Kylin's
// encryption IV for passwordEncrypted=true.
func parseParams(u config.MetadataURL, iv string) (connParams, error) {
	if u.Scheme != "jdbc" {
		return connParams{}, fmt.Errorf("jdbcstore: metadata URL scheme %q: want IDENTIFIER@jdbc with url, username and password parameters", u.Scheme)
	}
	if err := checkTableName(u.Identifier); err != nil {
		return connParams{}, err
	}
	p := u.Params
	for _, k := range []string{"url", "username", "password"} {
		if _, ok := p[k]; !ok {
			return connParams{}, fmt.Errorf("jdbcstore: metadata URL has no %s parameter; Kylin requires url, username and password: add ,%s=VALUE", k, k)
		}
	}
	if d, ok := p["driverClassName"]; ok && !jdbcDrivers[d] {
		return connParams{}, fmt.Errorf("jdbcstore: driverClassName=%q: this store speaks the MySQL protocol; use com.mysql.jdbc.Driver, com.mysql.cj.jdbc.Driver or org.mariadb.jdbc.Driver", d)
	}
	mc, ignored, err := parseJDBCURL(p["url"])
	if err != nil {
		return connParams{}, err
	}
	mc.User = p["username"]
	mc.Passwd = p["password"]
	if enc, ok := p["passwordEncrypted"]; ok && enc == "true" { // Kylin compares with "true" exactly
		if mc.Passwd, err = DecryptPassword(p["password"], iv); err != nil {
			return connParams{}, err
		}
	}
	pool, poolIgnored, err := parsePool(p)
	if err != nil {
		return connParams{}, err
	}
	return connParams{mysql: mc, table: u.Identifier, pool: pool, ignored: append(ignored, poolIgnored...)}, nil
}

// checkTableName refuses identifiers that cannot name the two tables.
func checkTableName(id string) error {
	if len(id)+len(logTableSuffix) > maxTableNameBytes {
		return fmt.Errorf("jdbcstore: identifier %q is %d bytes: with %q it must fit MySQL's %d-byte table names; shorten it",
			id, len(id), logTableSuffix, maxTableNameBytes)
	}
	for _, r := range id {
		if r == 0 || r == '`' || r == '/' || r == '\\' || r == '.' {
			return fmt.Errorf("jdbcstore: identifier %q: character %q cannot be in a table name; use letters, digits and '_'", id, r)
		}
	}
	if strings.TrimRight(id, " ") != id {
		return fmt.Errorf("jdbcstore: identifier %q ends in a space, which MySQL table names cannot; remove it", id)
	}
	return nil
}

// parsePool maps DBCP's settings; unknown names are returned as ignored.
func parsePool(p map[string]string) (poolParams, []string, error) {
	pool := defaultPool
	var ignored []string
	evictRuns := int64(-1)
	idleMillis := int64(30 * 60 * 1000) // DBCP's minEvictableIdleTimeMillis
	for _, k := range sortedKeys(p) {
		v := p[k]
		var err error
		switch k {
		case "url", "username", "password", "passwordEncrypted", "driverClassName", keyClusterFS, keyDefaultFS:
		case "maxActive":
			pool.maxOpen, err = atoi(k, v)
		case "maxIdle":
			pool.maxIdle, err = atoi(k, v)
		case "maxWait":
			var ms int
			ms, err = atoi(k, v)
			pool.maxWait = time.Duration(ms) * time.Millisecond
		case "timeBetweenEvictionRunsMillis":
			evictRuns, err = atoi64(k, v)
		case "minEvictableIdleTimeMillis":
			idleMillis, err = atoi64(k, v)
		default:
			if !dbcpKnown[k] {
				ignored = append(ignored, k)
			}
		}
		if err != nil {
			return poolParams{}, nil, err
		}
	}
	if evictRuns > 0 && idleMillis > 0 {
		pool.maxIdleFor = time.Duration(idleMillis) * time.Millisecond
	}
	return pool, ignored, nil
}

func atoi(k, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < -1<<30 || n > 1<<30 {
		return 0, fmt.Errorf("jdbcstore: metadata URL parameter %s=%q: want an integer", k, v)
	}
	return n, nil
}

func atoi64(k, v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("jdbcstore: metadata URL parameter %s=%q: want an integer", k, v)
	}
	return n, nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// errNoPassword is returned by DecryptPassword for text that is not Kylin's
// encrypted form.
var errNoPassword = errors.New("jdbcstore: passwordEncrypted=true but password is not Kylin's encrypted form")
