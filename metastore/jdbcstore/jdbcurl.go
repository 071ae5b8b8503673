package jdbcstore

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// parseJDBCURL translates jdbc:mysql://HOST[:PORT]/DB[?k=v&...] (or
// jdbc:mariadb://) into a go-sql-driver configuration. Connector/J's
// connectTimeout, socketTimeout and its TLS settings (sslMode, useSSL,
// requireSSL, verifyServerCertificate) are honoured; other query
// parameters are returned as ignored.
func parseJDBCURL(s string) (*mysql.Config, []string, error) {
	rest, ok := cutScheme(s)
	if !ok {
		return nil, nil, fmt.Errorf("jdbcstore: url=%q: want jdbc:mysql://HOST:PORT/DATABASE (or jdbc:mariadb://)", redactedJDBC(s))
	}
	hostport, path, _ := strings.Cut(rest, "/")
	path, query, _ := strings.Cut(path, "?")
	if strings.ContainsAny(hostport, "()@,=") || hostport == "" && rest != "" && !strings.HasPrefix(rest, "/") {
		return nil, nil, fmt.Errorf("jdbcstore: url=%q: only the plain HOST:PORT address form is supported; write jdbc:mysql://HOST:PORT/DATABASE", redactedJDBC(s))
	}
	addr, err := jdbcAddr(hostport)
	if err != nil {
		return nil, nil, fmt.Errorf("jdbcstore: url=%q: %w", redactedJDBC(s), err)
	}
	db := path
	if db == "" || strings.ContainsAny(db, "/\x00`%") {
		return nil, nil, fmt.Errorf("jdbcstore: url=%q: name the database after the address: jdbc:mysql://%s/DATABASE", redactedJDBC(s), addr)
	}
	mc := mysql.NewConfig()
	mc.Net, mc.Addr, mc.DBName = "tcp", addr, db
	ignored, err := applyQuery(mc, query)
	if err != nil {
		return nil, nil, fmt.Errorf("jdbcstore: url=%q: %w", redactedJDBC(s), err)
	}
	return mc, ignored, nil
}

func cutScheme(s string) (string, bool) {
	for _, p := range []string{"jdbc:mysql://", "jdbc:mariadb://"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest, true
		}
	}
	return "", false
}

// jdbcAddr returns host:port; Connector/J's defaults are localhost and 3306.
func jdbcAddr(hostport string) (string, error) {
	if hostport == "" {
		return "localhost:3306", nil
	}
	host, port := hostport, "3306"
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return "", fmt.Errorf("address %q: unclosed '['", hostport)
		}
		host = hostport[1:end]
		if tail := hostport[end+1:]; tail != "" {
			p, ok := strings.CutPrefix(tail, ":")
			if !ok {
				return "", fmt.Errorf("address %q: want [IPv6]:PORT", hostport)
			}
			port = p
		}
	} else if h, p, ok := strings.Cut(hostport, ":"); ok {
		host, port = h, p
	}
	if host == "" || strings.ContainsAny(host, " :[]/?#%") && net.ParseIP(host) == nil {
		return "", fmt.Errorf("address %q: bad host", hostport)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("address %q: port %q is not in 1-65535", hostport, port)
	}
	return net.JoinHostPort(host, port), nil
}

// applyQuery applies Connector/J parameters to mc.
func applyQuery(mc *mysql.Config, query string) ([]string, error) {
	var ignored []string
	tls := "preferred" // Connector/J 8's default sslMode=PREFERRED
	verify := true
	useSSL := ""
	for _, kv := range strings.Split(query, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		var err error
		switch k {
		case "connectTimeout":
			mc.Timeout, err = millis(k, v)
		case "socketTimeout":
			mc.ReadTimeout, err = millis(k, v)
			mc.WriteTimeout = mc.ReadTimeout
		case "sslMode", "sslmode":
			tls, err = sslMode(v)
		case "useSSL", "requireSSL":
			useSSL = strings.ToLower(v)
		case "verifyServerCertificate":
			verify = !strings.EqualFold(v, "false")
		default:
			ignored = append(ignored, k)
		}
		if err != nil {
			return nil, err
		}
	}
	switch useSSL {
	case "false":
		tls = "false"
	case "true":
		tls = "true"
		if !verify {
			tls = "skip-verify"
		}
	}
	if tls != "false" {
		mc.TLSConfig = tls
	}
	return ignored, nil
}

func millis(k, v string) (time.Duration, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q: want milliseconds (0 = no limit)", k, v)
	}
	return time.Duration(n) * time.Millisecond, nil
}

// sslMode maps Connector/J's sslMode to go-sql-driver's tls setting.
func sslMode(v string) (string, error) {
	switch strings.ToUpper(v) {
	case "DISABLED":
		return "false", nil
	case "PREFERRED":
		return "preferred", nil
	case "REQUIRED":
		return "skip-verify", nil // encrypted, certificate not checked, as in Connector/J
	case "VERIFY_CA", "VERIFY_IDENTITY":
		return "true", nil
	}
	return "", fmt.Errorf("sslMode=%q: want DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY", v)
}
