package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// progressEvery is how often the progress line is redrawn.
const progressEvery = 200 * time.Millisecond

// progress draws "backup: 1200 resources, 3.4 MiB" on stderr while a long
// copy runs, only when stderr is a terminal (never into a log or a pipe).
type progress struct {
	w     io.Writer // nil when not drawing
	verb  string
	n     int
	bytes int64
	last  time.Time
	drawn bool
}

func (e *env) progress(verb string) *progress {
	p := &progress{verb: verb}
	if e.hooks.isTerminal(e.stderr) {
		p.w = e.stderr
	}
	return p
}

// add counts one copied resource and redraws at once, then at most every
// progressEvery.
func (p *progress) add(size int) {
	p.n++
	p.bytes += int64(size)
	if p.w == nil {
		return
	}
	if now := time.Now(); now.Sub(p.last) >= progressEvery {
		p.last = now
		p.draw()
	}
}

func (p *progress) draw() {
	fmt.Fprintf(p.w, "\r%s: %d resources, %s\x1b[K", p.verb, p.n, humanBytes(p.bytes))
	p.drawn = true
}

// done clears the progress line, so the summary starts on a clean line.
func (p *progress) done() {
	if p.w != nil && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func (p *progress) summary() string {
	return fmt.Sprintf("%d resources, %s", p.n, humanBytes(p.bytes))
}

func humanBytes(b int64) string {
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%d B", b)
	}
	div, exp := int64(unit), 0
	for n := b / unit; n >= unit; n /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(b)/float64(div), "KMGTPE"[exp])
}

// isTerminal reports whether w is a terminal (an *os.File on a tty).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
