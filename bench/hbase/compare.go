package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

// javaWorker is the Java side (Bench.java) as a long-lived child process:
// one command line in, one result line out.
type javaWorker struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string // closed when the child's stdout ends
	wg    sync.WaitGroup
}

// startJava starts argv followed by QUORUM TABLE CLIENTS.
func startJava(argv []string, quorum, table string, clients int) (*javaWorker, error) {
	if len(argv) == 0 {
		return nil, errors.New("no Java command: pass it after -- (bench/hbase/run.sh does)")
	}
	args := append(append([]string{}, argv[1:]...), quorum, table, fmt.Sprint(clients))
	cmd := exec.Command(argv[0], args...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start Java side: %w", err)
	}
	j := &javaWorker{cmd: cmd, stdin: stdin, lines: make(chan string)}
	j.wg.Go(func() {
		defer close(j.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			j.lines <- sc.Text()
		}
	})
	return j, nil
}

// run sends one command and waits for its line, at most the run's own
// length plus two minutes.
func (j *javaWorker) run(ctx context.Context, workload string, warmup, measure time.Duration, round int,
	rate float64) (string, error) {
	if _, err := fmt.Fprintf(j.stdin, "%s %d %d %d %.0f\n", workload, warmup.Milliseconds(), measure.Milliseconds(), round, rate); err != nil {
		return "", fmt.Errorf("the Java side: %w", err)
	}
	timer := time.NewTimer(warmup + measure + 2*time.Minute)
	defer timer.Stop()
	select {
	case line, ok := <-j.lines:
		if !ok {
			return "", errors.New("the Java side exited (its stderr is above)")
		}
		if strings.Contains(line, `"error"`) {
			return "", fmt.Errorf("the Java side: %s", line)
		}
		return line, nil
	case <-timer.C:
		return "", fmt.Errorf("the Java side: no answer to %s within %v", workload, warmup+measure+2*time.Minute)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// close asks the child to quit, waits for it (killing it after 30 s) and for
// the reader goroutine.
func (j *javaWorker) close() error {
	_, _ = io.WriteString(j.stdin, "quit\n")
	_ = j.stdin.Close()
	done := make(chan error, 1)
	go func() {
		for range j.lines { // drain so the reader can finish
		}
		done <- j.cmd.Wait()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		_ = j.cmd.Process.Kill()
		return <-done
	}
}

// compareConfig is what one compare run needs.
type compareConfig struct {
	workloads       []string
	clients, rounds int
	rate            float64 // ops/s per side for paced runs; 0: closed loop
	warmup, measure time.Duration
	quorum, table   string
	java            []string
	out, progress   io.Writer
}

// compare primes both sides on every workload, then runs rounds of Java
// and Go per workload (Java first in odd rounds, Go first in even ones),
// writing each measured run as a JSON line to out.
func compare(ctx context.Context, s metastore.Store, c compareConfig) error {
	j, err := startJava(c.java, c.quorum, c.table, c.clients)
	if err != nil {
		return err
	}
	defer j.close()
	for _, w := range c.workloads {
		fmt.Fprintf(c.progress, "== priming %s\n", w)
		if _, err := j.run(ctx, w, c.warmup, 0, 0, c.rate); err != nil {
			return err
		}
		if _, err := runWorkload(ctx, s, w, c.clients, c.warmup, 0, c.rate); err != nil {
			return err
		}
	}
	for r := 1; r <= c.rounds; r++ {
		for _, w := range c.workloads {
			// The order alternates per round: the server's state drifts
			// within a round (memstore versions of the hot rows pile up until
			// a flush), and the side that always ran second would always
			// meet more of it.
			javaFirst := r%2 == 1
			order := "java, go"
			if !javaFirst {
				order = "go, java"
			}
			fmt.Fprintf(c.progress, "== round %d/%d %s: %s\n", r, c.rounds, w, order)
			javaLine, goLine, err := c.round(ctx, j, s, w, r, javaFirst)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(c.out, "%s\n%s\n", javaLine, goLine); err != nil {
				return err
			}
		}
	}
	return nil
}

// round runs workload w once on each side, in the order asked, and returns
// both result lines.
func (c compareConfig) round(ctx context.Context, j *javaWorker, s metastore.Store, w string, r int,
	javaFirst bool) (javaLine, goLine string, err error) {
	runJava := func() error {
		line, err := j.run(ctx, w, c.warmup, c.measure, r, c.rate)
		if err != nil {
			return err
		}
		var check result
		if err := json.Unmarshal([]byte(line), &check); err != nil {
			return fmt.Errorf("the Java side printed %q: %w", line, err)
		}
		javaLine = line
		return nil
	}
	runGo := func() error {
		st, err := runWorkload(ctx, s, w, c.clients, c.warmup, c.measure, c.rate)
		if err != nil {
			return err
		}
		goLine = st.json("go", w, c.clients, r)
		return nil
	}
	steps := []func() error{runJava, runGo}
	if !javaFirst {
		steps = []func() error{runGo, runJava}
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return "", "", err
		}
	}
	return javaLine, goLine, nil
}
