package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kylin-go/kylin/metastore"
)

// progressEvery is how often the progress line is redrawn on a terminal.
const progressEvery = 200 * time.Millisecond

// plainEvery is how often a plain progress line is written when stderr is
// not a terminal (a log, a pipe). A variable for the tests.
var plainEvery = 10 * time.Second

// barWidth is the width of the progress bar, in cells.
const barWidth = 24

// progress reports a long copy on stderr: on a terminal, a line redrawn in
// place ("restore [=======>    ] 61% 61000/100000 resources, 130.2 MiB,
// 5400/s", the bar when the total is known); otherwise a plain line every
// plainEvery, so a log shows the copy moving without being flooded.
type progress struct {
	w     io.Writer // stderr
	tty   bool      // redraw in place
	verb  string
	n     int
	total int // 0: unknown
	bytes int64
	start time.Time
	last  time.Time
	drawn bool
}

func (e *env) progress(verb string) *progress {
	now := time.Now()
	return &progress{w: e.stderr, tty: e.hooks.isTerminal(e.stderr), verb: verb, start: now, last: now}
}

// expectFrom sets the total for the bar when src is a directory store
// whose files can be counted cheaply, and only on a terminal.
func (p *progress) expectFrom(src metastore.Store) {
	root := rootOf(src)
	if !p.tty || root == "" {
		return
	}
	n := 0
	filepath.WalkDir(root, func(_ string, de fs.DirEntry, err error) error {
		if err == nil && de.Type().IsRegular() {
			n++
		}
		return nil
	})
	p.total = n
}

// add counts one copied resource. A terminal's line is drawn at once, then
// at most every progressEvery; a plain line every plainEvery.
func (p *progress) add(size int) {
	p.n++
	p.bytes += int64(size)
	now := time.Now()
	switch {
	case p.tty && (!p.drawn || now.Sub(p.last) >= progressEvery):
		p.last = now
		fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(now))
		p.drawn = true
	case !p.tty && now.Sub(p.last) >= plainEvery:
		p.last = now
		fmt.Fprintf(p.w, "%s\n", p.line(now))
	}
}

// line is the progress text: verb, bar and percentage when the total is
// known, counts, rate.
func (p *progress) line(now time.Time) string {
	rate := ""
	if secs := now.Sub(p.start).Seconds(); secs > 0 {
		rate = fmt.Sprintf(", %.0f/s", float64(p.n)/secs)
	}
	if p.total > 0 {
		done := min(p.n, p.total)
		cells := done * barWidth / p.total
		bar := strings.Repeat("=", cells) + strings.Repeat(" ", barWidth-cells)
		if cells < barWidth {
			bar = bar[:cells] + ">" + bar[cells+1:]
		}
		return fmt.Sprintf("%s [%s] %3d%% %d/%d resources, %s%s", p.verb, bar, done*100/p.total, p.n, p.total, humanBytes(p.bytes), rate)
	}
	return fmt.Sprintf("%s: %d resources, %s%s", p.verb, p.n, humanBytes(p.bytes), rate)
}

// done clears the progress line, so the summary starts on a clean line.
func (p *progress) done() {
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// summary is what was copied.
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
