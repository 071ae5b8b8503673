package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// peer is the Java side: Kylin's JDBCResourceStore in one JVM.
type peer struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func startPeer(argv []string) (*peer, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the Java side: %w", err)
	}
	return &peer{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<16)}, nil
}

// call sends one command line and decodes the answer into v.
func (p *peer) call(v any, format string, args ...any) error {
	if _, err := fmt.Fprintf(p.in, format+"\n", args...); err != nil {
		return err
	}
	line, err := p.out.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("the Java side: %w", err)
	}
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(line, &e) == nil && e.Error != "" {
		return fmt.Errorf("the Java side: %s", e.Error)
	}
	return json.Unmarshal(line, v)
}

func (p *peer) setup() error {
	var ok struct{ OK bool }
	return p.call(&ok, "setup %d %d %d %d", readRows, listRows, casRows, valueSize)
}

func (p *peer) run(workload string, clients int, warmup, measure time.Duration, nonce string) (result, error) {
	var r result
	err := p.call(&r, "run %s %d %d %d %s", workload, clients, warmup.Milliseconds(), measure.Milliseconds(), nonce)
	r.Side, r.Workload = "kylin", workload
	return r, err
}

func (p *peer) close() error {
	p.in.Close()
	return p.cmd.Wait()
}
