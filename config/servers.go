package config

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/kylin-go/kylin/secret"
)

// DefaultServerPort is the port of a server list entry that names none.
const DefaultServerPort = 7070

// ParseServerList parses kylin.server.cluster-servers: a comma list of
// [user:password@]host[:port]. The port defaults to 7070; an IPv6 host is
// written in brackets ("[::1]:7070"). Empty entries are skipped, so an
// empty string gives an empty list.
func ParseServerList(s string) ([]ServerAddr, error) {
	addrs, err := parseServerList(s)
	if err != nil {
		return nil, fmt.Errorf("config: server list %s: %w", quote(redactServers(s)), err)
	}
	return addrs, nil
}

// ParseServersWithMode parses kylin.server.cluster-servers-with-mode: a
// comma list of host:port:mode, mode being all, job, query or
// stream_coordinator.
func ParseServersWithMode(s string) ([]ServerAddr, error) {
	addrs, err := parseServersWithMode(s)
	if err != nil {
		return nil, fmt.Errorf("config: server list %s: %w", quote(s), err)
	}
	return addrs, nil
}

func parseServerList(s string) ([]ServerAddr, error) {
	var out []ServerAddr
	for _, entry := range splitList(s) {
		a, err := parseServer(entry)
		if err != nil {
			return nil, fmt.Errorf("entry %s: %w; write [user:password@]host[:port]", quote(redactServers(entry)), err)
		}
		out = append(out, a)
	}
	return out, nil
}

func parseServersWithMode(s string) ([]ServerAddr, error) {
	var out []ServerAddr
	for _, entry := range splitList(s) {
		a, err := parseServerWithMode(entry)
		if err != nil {
			return nil, fmt.Errorf("entry %s: %w; write host:port:mode", quote(entry), err)
		}
		out = append(out, a)
	}
	return out, nil
}

func parseServer(entry string) (ServerAddr, error) {
	var a ServerAddr
	hostport := entry
	// Split at the last '@': a host never holds one, a password may.
	if i := strings.LastIndex(entry, "@"); i >= 0 {
		user, pass, ok := strings.Cut(entry[:i], ":")
		if !ok || user == "" {
			return a, fmt.Errorf("credentials must be user:password")
		}
		a.User, a.Password, hostport = user, secret.New(pass), entry[i+1:]
	}
	host, port, err := splitHostPort(hostport, DefaultServerPort)
	if err != nil {
		return a, err
	}
	a.Host, a.Port = host, port
	return a, nil
}

func parseServerWithMode(entry string) (ServerAddr, error) {
	i := strings.LastIndex(entry, ":")
	if i < 0 {
		return ServerAddr{}, fmt.Errorf("no mode")
	}
	mode := strings.ToLower(strings.TrimSpace(entry[i+1:]))
	if !validRole(mode) {
		return ServerAddr{}, fmt.Errorf("mode %s must be all, job, query or stream_coordinator", quote(entry[i+1:]))
	}
	hostport := entry[:i]
	if !hasPort(hostport) {
		return ServerAddr{}, fmt.Errorf("no port")
	}
	host, port, err := splitHostPort(hostport, 0)
	if err != nil {
		return ServerAddr{}, err
	}
	return ServerAddr{Host: host, Port: port, Mode: mode}, nil
}

// hasPort reports whether hostport ends in :port (outside IPv6 brackets).
func hasPort(hostport string) bool {
	if strings.HasPrefix(hostport, "[") {
		return strings.Contains(hostport, "]:")
	}
	return strings.Contains(hostport, ":")
}

// splitHostPort splits host[:port] or [ipv6][:port]; dflt is the port
// when none is written.
func splitHostPort(hostport string, dflt int) (string, int, error) {
	hostport = strings.TrimSpace(hostport)
	if !hasPort(hostport) {
		host := hostport
		if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
			host = host[1 : len(host)-1]
		}
		return host, dflt, checkHost(host, hostport)
	}
	host, p, err := net.SplitHostPort(hostport)
	if err != nil {
		if looksLikeBareIPv6(hostport) {
			return "", 0, fmt.Errorf("IPv6 address must be in brackets, e.g. [::1]:7070")
		}
		return "", 0, fmt.Errorf("%s is not host:port", quote(hostport))
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 1 || port > 65535 || p[0] == '+' {
		return "", 0, fmt.Errorf("port %s must be a number from 1 to 65535", quote(p))
	}
	return host, port, checkHost(host, hostport)
}

// looksLikeBareIPv6 reports whether s is an IPv6 address, or one followed
// by :port, written without brackets.
func looksLikeBareIPv6(s string) bool {
	if strings.HasPrefix(s, "[") {
		return false
	}
	if net.ParseIP(s) != nil {
		return true
	}
	i := strings.LastIndex(s, ":")
	return strings.Count(s[:i], ":") > 1 && net.ParseIP(s[:i]) != nil
}

func checkHost(host, written string) error {
	if host == "" {
		return fmt.Errorf("no host in %s", quote(written))
	}
	if strings.ContainsAny(host, " \t/?#@[]") {
		return fmt.Errorf("host %s holds a character a host name cannot", quote(host))
	}
	if strings.Contains(host, ":") && net.ParseIP(host) == nil {
		return fmt.Errorf("host %s is not an IPv6 address", quote(host))
	}
	return nil
}

// validRole reports whether r is one server-mode role.
func validRole(r string) bool {
	switch r {
	case "all", "job", "query", "stream_coordinator":
		return true
	}
	return false
}

// Addr returns "host:port" (IPv6 hosts in brackets).
func (a ServerAddr) Addr() string { return net.JoinHostPort(a.Host, strconv.Itoa(a.Port)) }

// String formats a as it is written in a server list, with the password
// replaced by "***" so that a logged address never leaks it.
func (a ServerAddr) String() string {
	s := a.Addr()
	if a.User != "" {
		s = a.User + ":***@" + s
	}
	if a.Mode != "" {
		s += ":" + a.Mode
	}
	return s
}

// redactServers replaces the password of every user:password@ entry in a
// server list with "***", for error messages.
func redactServers(s string) string {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		at := strings.LastIndex(p, "@")
		if at < 0 {
			continue
		}
		user, _, _ := strings.Cut(p[:at], ":")
		parts[i] = user + ":***" + p[at:]
	}
	return strings.Join(parts, ",")
}
