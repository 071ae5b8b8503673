package querytest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/config"
)

// SessionBrowses is how many requests CheckSessionAffinity sends after each
// login.
const SessionBrowses = 30

// SessionReport is what CheckSessionAffinity saw: requests that lost their
// session while every node was healthy, and logins needed in all (one at
// the start, one after the session's node died: 2 is right).
type SessionReport struct {
	LostHealthy int
	Logins      int
}

// CheckSessionAffinity logs in through fe (a Kylin-like SessionNode on
// each of three nodes, round robin, affinity as given), browses, kills the
// session's node, browses on (the next request must be refused with 401
// by another node, not fail: the client is told to log in again), logs in
// again and browses. It returns an error naming what went wrong: a lost
// session while the nodes were healthy, a route cookie that shows a node's
// address or is set without a session, or a failure instead of a 401.
func CheckSessionAffinity(t *testing.T, fe FrontEnd, affinity bool) (SessionReport, error) {
	var rep SessionReport
	var backends []*Backend
	names := map[string]*Backend{}
	for _, name := range []string{"node-a", "node-b", "node-c"} {
		b := StartBackend(t, NewSessionNode(name))
		backends = append(backends, b)
		names[name] = b
	}
	e := setup(t, fe, config.Query{SessionAffinity: affinity},
		backends[0].Node(), backends[1].Node(), backends[2].Node())
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: e.client.Transport}
	if resp, _, err := send(c, "GET", e.url+"/kylin/api/health"); err != nil {
		return rep, err
	} else if v := resp.Header.Values("Set-Cookie"); len(v) > 0 {
		return rep, fmt.Errorf("a response without a session carries Set-Cookie %q: the router invented a cookie", v)
	}
	for round := 0; round < 2; round++ {
		who, err := login(c, e.url, backends)
		if err != nil {
			return rep, err
		}
		rep.Logins++
		for i := 0; i < SessionBrowses; i++ {
			resp, body, err := send(c, "GET", e.url+BrowsePath)
			switch {
			case err != nil:
				return rep, err
			case resp.StatusCode == http.StatusUnauthorized:
				rep.LostHealthy++
			case resp.StatusCode != 200 || body != who:
				return rep, fmt.Errorf("browse: %d %q; want 200 from %s", resp.StatusCode, body, who)
			}
		}
		if rep.LostHealthy > 0 {
			return rep, fmt.Errorf("%d of %d requests lost their session (401) while every node was healthy", rep.LostHealthy, SessionBrowses)
		}
		if round == 1 {
			break
		}
		names[who].Kill()
		resp, body, err := send(c, "GET", e.url+BrowsePath)
		if err != nil || resp.StatusCode != http.StatusUnauthorized {
			return rep, fmt.Errorf("first request after the session's node died: %v %q %v; want 401 from another node (log in again)",
				status(resp), body, err)
		}
	}
	return rep, nil
}

// login posts to LoginPath and checks the cookies: a session, and with
// affinity a route cookie that names no node's address.
func login(c *http.Client, base string, backends []*Backend) (string, error) {
	resp, who, err := send(c, "POST", base+LoginPath)
	if err != nil || resp.StatusCode != 200 {
		return "", fmt.Errorf("login: %v %q %v", status(resp), who, err)
	}
	for _, sc := range resp.Header.Values("Set-Cookie") {
		for _, b := range backends {
			addr := b.Node().Addr
			_, port, _ := strings.Cut(addr, ":")
			if strings.Contains(sc, addr) || strings.Contains(sc, port) {
				return "", fmt.Errorf("Set-Cookie %q shows node address %s to the client", sc, addr)
			}
		}
	}
	return who, nil
}

func send(c *http.Client, method, url string) (*http.Response, string, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return nil, "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

func status(r *http.Response) any {
	if r == nil {
		return "no response"
	}
	return r.StatusCode
}

func testSessionAffinity(t *testing.T, fe FrontEnd) {
	rep, err := CheckSessionAffinity(t, fe, true)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Logins != 2 {
		t.Fatalf("%d logins; want 2 (one at the start, one after the session's node died)", rep.Logins)
	}
	// The negative control: without affinity, round robin loses sessions
	// and the check must say so.
	if _, err := CheckSessionAffinity(t, fe, false); err == nil || !strings.Contains(err.Error(), "lost their session") {
		t.Fatalf("the check passed a front end without affinity (%v)", err)
	}
}
