package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"sort"
	"sync"
	"syscall"
	"time"
)

func freshKey(what string) string {
	return fmt.Sprintf("/%s/lock-%d", what, rand.Uint64())
}

func clients(ctx context.Context, im impl, connect string, session time.Duration, key string, n int) ([]client, error) {
	cs := make([]client, 0, n)
	for i := 0; i < n; i++ {
		c, err := im.client(ctx, connect, session, key)
		if err != nil {
			closeAll(cs)
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

func closeAll(cs []client) {
	for _, c := range cs {
		c.close()
	}
}

// throughput runs n clients taking and releasing one key for d and
// returns acquire+release per second and each pair's latency.
func throughput(ctx context.Context, im impl, connect string, n int, d time.Duration) (float64, []time.Duration, error) {
	cs, err := clients(ctx, im, connect, 10*time.Second, freshKey("tput"), n)
	if err != nil {
		return 0, nil, err
	}
	defer closeAll(cs)
	var (
		mu   sync.Mutex
		lats []time.Duration
		errs []error
		wg   sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(d)
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(end) {
				t0 := time.Now()
				if err := c.lock(ctx); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				if err := c.unlock(ctx); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lats = append(lats, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return 0, nil, errs[0]
	}
	return float64(len(lats)) / time.Since(start).Seconds(), lats, nil
}

// settle gives a client that started Lock time to reach its wait.
const settle = 30 * time.Millisecond

// cleanHandoff measures from a holder's Unlock to a waiter's Lock return.
func cleanHandoff(ctx context.Context, im impl, connect string, n int) ([]time.Duration, error) {
	cs, err := clients(ctx, im, connect, 10*time.Second, freshKey("handoff"), 2)
	if err != nil {
		return nil, err
	}
	defer closeAll(cs)
	a, b := cs[0], cs[1]
	var out []time.Duration
	for i := 0; i < n; i++ {
		if err := a.lock(ctx); err != nil {
			return nil, err
		}
		got := make(chan error, 1)
		var at time.Time
		go func() { err := b.lock(ctx); at = time.Now(); got <- err }()
		time.Sleep(settle)
		t0 := time.Now()
		if err := a.unlock(ctx); err != nil {
			return nil, err
		}
		if err := <-got; err != nil {
			return nil, err
		}
		out = append(out, at.Sub(t0))
		if err := b.unlock(ctx); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// crashHandoff measures from SIGKILL of a holder process to a waiter's
// Lock return.
func crashHandoff(ctx context.Context, im impl, connect string, session time.Duration) (time.Duration, error) {
	key := freshKey("crash")
	exe, err := os.Executable()
	if err != nil {
		return 0, err
	}
	child := exec.Command(exe)
	child.Env = append(os.Environ(), "BENCH_LOCK_CHILD="+im.name(), "BENCH_LOCK_ZK="+connect,
		"BENCH_LOCK_SESSION="+session.String(), "BENCH_LOCK_KEY="+key)
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := child.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "locked\n" {
		return 0, fmt.Errorf("holder process: %q, %v", line, err)
	}
	cs, err := clients(ctx, im, connect, session, key, 1)
	if err != nil {
		return 0, err
	}
	defer closeAll(cs)
	got := make(chan error, 1)
	var at time.Time
	go func() { err := cs[0].lock(ctx); at = time.Now(); got <- err }()
	time.Sleep(settle)
	t0 := time.Now()
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		return 0, err
	}
	if err := <-got; err != nil {
		return 0, err
	}
	return at.Sub(t0), cs[0].unlock(ctx)
}

// runChild is the holder process of crashHandoff: it takes the key,
// says "locked" and waits to be killed.
func runChild() bool {
	name := os.Getenv("BENCH_LOCK_CHILD")
	if name == "" {
		return false
	}
	session, _ := time.ParseDuration(os.Getenv("BENCH_LOCK_SESSION"))
	ctx := context.Background()
	c, err := implByName(name).client(ctx, os.Getenv("BENCH_LOCK_ZK"), session, os.Getenv("BENCH_LOCK_KEY"))
	if err == nil {
		err = c.lock(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "holder:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	select {}
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(p*float64(len(s))))]
}
