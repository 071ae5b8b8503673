// Command sessions is bench/router's login-then-browse client: users log
// in through a router to Kylin-like session nodes (bench/router/backend
// -name), browse, then the node holding the first user's session is
// killed and everyone browses on, logging in again when a request is
// refused with 401. It prints one JSON line: sessions lost while every node
// was healthy (want 0), users whose session was on the killed node,
// re-logins (want exactly that many), sessions lost again after a re-login
// (want 0), and failures other than 401.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type report struct {
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

type user struct {
	c    *http.Client
	node string
}

func main() {
	base := flag.String("url", "", "router base URL")
	users := flag.Int("users", 60, "users")
	browses := flag.Int("browses", 20, "requests per user per phase")
	pids := flag.String("pids", "", "name=pid,... of the nodes, to kill the first user's node")
	flag.Parse()
	tr := &http.Transport{MaxIdleConnsPerHost: 256}
	rep := report{Users: *users, Browses: *browses, SessionsPerNode: map[string]int{}}
	us := make([]*user, *users)
	for i := range us {
		jar, _ := cookiejar.New(nil)
		us[i] = &user{c: &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}}
		node, err := login(us[i], *base)
		if err != nil {
			log.Fatalf("login: %v", err)
		}
		rep.SessionsPerNode[node]++
	}
	rep.LostHealthy, rep.Failures = browseAll(us, *base, *browses, nil)
	rep.Killed = us[0].node
	for _, u := range us {
		if u.node == rep.Killed {
			rep.OnKilled++
		}
	}
	kill(*pids, rep.Killed)
	var relogins int
	lost, fails := browseAll(us, *base, *browses, &relogins)
	rep.Relogins, rep.LostAfter, rep.Failures = relogins, lost, rep.Failures+fails
	json.NewEncoder(os.Stdout).Encode(rep)
}

// browseAll has every user browse n times at once; a 401 is a lost session,
// and with relogins set the user logs in again (once) and goes on. It
// returns the lost sessions (beyond the re-logins) and other failures.
func browseAll(us []*user, base string, n int, relogins *int) (lost, fails int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, u := range us {
		wg.Add(1)
		go func(u *user) {
			defer wg.Done()
			again := false
			for i := 0; i < n; i++ {
				status, _, err := do(u.c, "GET", base+"/kylin/api/projects")
				mu.Lock()
				switch {
				case err != nil || status != 200 && status != 401:
					fails++
				case status == 401 && relogins != nil && !again:
					again = true
					*relogins++
					mu.Unlock()
					if _, err := login(u, base); err != nil {
						mu.Lock()
						fails++
						mu.Unlock()
					}
					continue
				case status == 401:
					lost++
				}
				mu.Unlock()
			}
		}(u)
	}
	wg.Wait()
	return lost, fails
}

func login(u *user, base string) (string, error) {
	status, body, err := do(u.c, "POST", base+"/kylin/api/user/authentication")
	if err != nil || status != 200 {
		return "", fmt.Errorf("status %d, %v", status, err)
	}
	u.node = body
	return body, nil
}

func do(c *http.Client, method, url string) (int, string, error) {
	req, _ := http.NewRequest(method, url, nil)
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// kill sends SIGKILL to the node named name in "name=pid,..." and waits a
// little for the kill to take effect.
func kill(pids, name string) {
	for _, kv := range strings.Split(pids, ",") {
		k, v, _ := strings.Cut(kv, "=")
		if k != name {
			continue
		}
		pid, err := strconv.Atoi(v)
		if err != nil {
			log.Fatalf("-pids %q: %v", pids, err)
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			log.Fatalf("kill %s (%d): %v", name, pid, err)
		}
		time.Sleep(200 * time.Millisecond)
		return
	}
	log.Fatalf("node %q not in -pids %q", name, pids)
}
