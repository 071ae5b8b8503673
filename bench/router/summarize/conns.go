package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	benchreadme "github.com/kylin-go/kylin/bench/internal/readme"
)

// connsFlags are the settings of bench/router/conns.sh, for the section's
// text.
type connsFlags struct {
	dir, clients, load, readme string
	rounds, duration, keep     int
}

var connsContenders = []struct{ key, label string }{
	{"router", "ours: examples/router (h1proxy, session affinity on, bounded node pools)"},
	{"nginx", "nginx (Debian), round robin, upstream keepalive"},
	{"haproxy", "HAProxy (Debian), round robin, cookie JSESSIONID prefix"},
}

// connsSection writes the "router-connections" section: throughput with
// connection counts per client count, sessions, TLS.
func connsSection(f connsFlags) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## router: node connections, session affinity, TLS\n\n")
	fmt.Fprintf(&b, "Three loopback Kylin-like session nodes (`bench/router/backend -name`), wrk -t2 -d%ds --latency on 128-byte\n", f.duration)
	fmt.Fprintf(&b, "GETs, %d interleaved rounds (order rotated each round), all on the shared 2-core machine (load average\n", f.rounds)
	fmt.Fprintf(&b, "at the end: %s, from the other sessions' work). Median [min-max] over the rounds. Node connections are the\n", f.load)
	fmt.Fprintf(&b, "established TCP connections to the nodes' ports and fds the contender's open file descriptors (nginx: all\n")
	fmt.Fprintf(&b, "workers), both sampled twice in each run, the larger kept (nginx's count is low partly because it opens\n")
	fmt.Fprintf(&b, "and closes connections beyond its keepalive cache per request: they are gone by the sample). nginx's\n")
	fmt.Fprintf(&b, "`keepalive` and our `max-idle-conns-per-node` are %d; our\n", f.keep)
	fmt.Fprintf(&b, "`max-conns-per-node` is its default, 256. Reproduce: `bench/router/conns.sh -readme bench/README.md`\n")
	fmt.Fprintf(&b, "(installs wrk, nginx, haproxy, openssl when missing).\n\n")
	for _, c := range strings.Fields(f.clients) {
		connsTable(&b, f, c)
	}
	tlsTable(&b, f)
	if err := sessionsTable(&b, f.dir); err != nil {
		return err
	}
	out := b.String()
	fmt.Print(out)
	if f.readme != "" {
		return benchreadme.Replace(f.readme, "router-connections", out)
	}
	return nil
}

type connRun struct {
	run
	nodeConns, fds float64
}

func parseConns(path string) (connRun, bool) {
	r, ok := parse(path)
	if !ok {
		return connRun{}, false
	}
	cr := connRun{run: r}
	if b, err := os.ReadFile(path + ".conns"); err == nil {
		fmt.Sscan(string(b), &cr.nodeConns, &cr.fds)
	}
	return cr, true
}

func connsTable(b *strings.Builder, f connsFlags, clients string) {
	fmt.Fprintf(b, "### %s client connections\n\n", clients)
	fmt.Fprintf(b, "| contender | req/s | vs nginx | p99 ms | p99 vs nginx | node connections | fds | non-2xx + socket errors |\n|---|---|---|---|---|---|---|---|\n")
	nginx := func() [2]float64 {
		var rs []run
		for r := 1; r <= f.rounds; r++ {
			if x, ok := parse(filepath.Join(f.dir, fmt.Sprintf("r%d-c%s-nginx.txt", r, clients))); ok {
				rs = append(rs, x)
			}
		}
		if len(rs) == 0 {
			return [2]float64{}
		}
		return [2]float64{stats(rs, byRPS)[0], stats(rs, byP99)[0]}
	}()
	for _, c := range connsContenders {
		var rs []run
		var conns, fds []run
		errs := 0
		for r := 1; r <= f.rounds; r++ {
			if x, ok := parseConns(filepath.Join(f.dir, fmt.Sprintf("r%d-c%s-%s.txt", r, clients, c.key))); ok {
				rs = append(rs, x.run)
				conns = append(conns, run{rps: x.nodeConns})
				fds = append(fds, run{rps: x.fds})
				errs += x.non2xx + x.socketErrors
			}
		}
		if len(rs) == 0 {
			fmt.Fprintf(b, "| %s | no result | | | | | | |\n", c.label)
			continue
		}
		rps, p99, nc, fd := stats(rs, byRPS), stats(rs, byP99), stats(conns, byRPS), stats(fds, byRPS)
		n := nginx
		fmt.Fprintf(b, "| %s | %.0f [%.0f-%.0f] | %s | %.2f [%.2f-%.2f] | %s | %.0f [%.0f-%.0f] | %.0f [%.0f-%.0f] | %d |\n", c.label,
			rps[0], rps[1], rps[2], ratio(rps[0], n[0]), p99[0], p99[1], p99[2], ratio(p99[0], n[1]),
			nc[0], nc[1], nc[2], fd[0], fd[1], fd[2], errs)
	}
	b.WriteString("\n")
}

func tlsTable(b *strings.Builder, f connsFlags) {
	fmt.Fprintf(b, "### TLS termination, 64 client connections (same certificate, plain nodes behind)\n\n")
	fmt.Fprintf(b, "| contender | req/s | vs nginx | p99 ms | p99 vs nginx |\n|---|---|---|---|---|\n")
	var n [2]float64
	for _, c := range []struct{ key, label string }{{"nginxtls", "nginx (Debian), ssl"}, {"routertls", "ours: examples/router, tls-cert/tls-key"}} {
		var rs []run
		for r := 1; r <= f.rounds; r++ {
			if x, ok := parse(filepath.Join(f.dir, fmt.Sprintf("r%d-tls-%s.txt", r, c.key))); ok {
				rs = append(rs, x)
			}
		}
		if len(rs) == 0 {
			fmt.Fprintf(b, "| %s | no result | | | |\n", c.label)
			continue
		}
		rps, p99 := stats(rs, byRPS), stats(rs, byP99)
		if c.key == "nginxtls" {
			n = [2]float64{rps[0], p99[0]}
		}
		fmt.Fprintf(b, "| %s | %.0f [%.0f-%.0f] | %s | %.2f [%.2f-%.2f] | %s |\n", c.label,
			rps[0], rps[1], rps[2], ratio(rps[0], n[0]), p99[0], p99[1], p99[2], ratio(p99[0], n[1]))
	}
	b.WriteString("\n")
}

// sessionReport is bench/router/sessions' output.
type sessionReport struct {
	Users           int            `json:"users"`
	Browses         int            `json:"browses_per_phase"`
	LostHealthy     int            `json:"lost_while_healthy"`
	Killed          string         `json:"killed_node"`
	OnKilled        int            `json:"users_on_killed_node"`
	Relogins        int            `json:"relogins"`
	LostAfter       int            `json:"lost_after_relogin"`
	Failures        int            `json:"failures"`
	SessionsPerNode map[string]int `json:"sessions_per_node"`
}

func sessionsTable(b *strings.Builder, dir string) error {
	fmt.Fprintf(b, "### login, browse, kill the session's node, browse on\n\n")
	fmt.Fprintf(b, "Each user logs in (a JSESSIONID session on one node), browses; then the node of the first user's session is\n")
	fmt.Fprintf(b, "killed (SIGKILL) and every user browses again, logging in again once on a 401. Right: 0 lost while healthy,\n")
	fmt.Fprintf(b, "re-logins = users whose session was on the killed node, 0 lost after the re-login, 0 failures.\n\n")
	fmt.Fprintf(b, "| contender | users x browses | sessions per node | lost while healthy | users on killed node | re-logins | lost after re-login | failures (not 200/401) |\n|---|---|---|---|---|---|---|---|\n")
	for _, c := range []struct{ key, label string }{
		{"router", "ours: session affinity (route cookie)"},
		{"haproxy", "HAProxy, cookie JSESSIONID prefix"},
		{"nginx-iphash", "nginx, ip_hash"},
		{"nginx-rr", "nginx, round robin (no affinity: the negative control)"},
	} {
		raw, err := os.ReadFile(filepath.Join(dir, "sessions-"+c.key+".json"))
		var r sessionReport
		if err != nil || json.Unmarshal(raw, &r) != nil {
			msg, _ := os.ReadFile(filepath.Join(dir, "sessions-"+c.key+".err"))
			fmt.Fprintf(b, "| %s | no result: %s | | | | | | |\n", c.label, strings.TrimSpace(string(msg)))
			continue
		}
		per := []string{}
		for _, n := range []string{"node-0", "node-1", "node-2"} {
			per = append(per, fmt.Sprint(r.SessionsPerNode[n]))
		}
		fmt.Fprintf(b, "| %s | %d x %d | %s | %d | %d | %d | %d | %d |\n", c.label, r.Users, r.Browses,
			strings.Join(per, " / "), r.LostHealthy, r.OnKilled, r.Relogins, r.LostAfter, r.Failures)
	}
	b.WriteString("\n")
	return nil
}
