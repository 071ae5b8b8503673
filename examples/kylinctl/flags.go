package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kylin-go/kylin/config"
)

// globals are the flags every command accepts, before or after its name.
type globals struct {
	configDir   string
	metadataURL string
	zookeeper   string
	timeout     time.Duration
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.configDir, "config", g.configDir,
		"`DIR` holding kylin.properties (default $KYLIN_CONF, else $KYLIN_HOME/conf)")
	fs.StringVar(&g.metadataURL, "metadata-url", g.metadataURL, "metadata `URL`; overrides kylin.metadata.url")
	fs.StringVar(&g.zookeeper, "zookeeper", g.zookeeper,
		"ZooKeeper `HOSTS` (host:port,...) for locks; overrides kylin.env.zookeeper-connect-string")
	fs.DurationVar(&g.timeout, "timeout", g.timeout, "give up after this long (e.g. 30s); 0 means no limit")
}

// check validates the global flags once they are all parsed.
func (g *globals) check() error {
	if g.timeout < 0 {
		return fmt.Errorf("--timeout %v is negative; give a positive duration such as 30s, or 0 for no limit", g.timeout)
	}
	if g.metadataURL != "" {
		if _, err := config.ParseMetadataURL(g.metadataURL); err != nil {
			return fmt.Errorf("--metadata-url %q: %w", g.metadataURL, err)
		}
	}
	return nil
}

// confDir is where kylin.properties is looked for, and what named it.
func (g *globals) confDir() (dir, from string) {
	if g.configDir != "" {
		return g.configDir, "--config"
	}
	if d := os.Getenv("KYLIN_CONF"); d != "" {
		return d, "$KYLIN_CONF"
	}
	if h := os.Getenv("KYLIN_HOME"); h != "" {
		return filepath.Join(h, "conf"), "$KYLIN_HOME/conf"
	}
	return "", ""
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct {
	cmd *command // nil when no command was identified
	err error
}

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

func usagef(c *command, format string, a ...any) error {
	return &usageError{cmd: c, err: fmt.Errorf(format, a...)}
}

func usageErr(c *command, err error) error { return &usageError{cmd: c, err: err} }

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by report
	return fs
}

// flagErr turns a flag parse error into help (exit 0) or a usage error.
func flagErr(err error, e *env, c *command) error {
	if !errors.Is(err, flag.ErrHelp) {
		return usageErr(c, err)
	}
	if c == nil {
		printTop(e.stdout)
	} else {
		printCommand(e.stdout, c)
	}
	return nil
}

// parseInterleaved parses flags placed anywhere among the positional
// arguments ("ls /cube -R"). Everything after "--" is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func argCount(c *command) string {
	switch {
	case c.maxArgs == 0:
		return "no arguments"
	case c.minArgs == c.maxArgs:
		return fmt.Sprintf("exactly %d argument(s) (%s)", c.minArgs, c.args)
	case c.maxArgs < 0:
		return fmt.Sprintf("at least %d argument(s) (%s)", c.minArgs, c.args)
	}
	return fmt.Sprintf("%d to %d arguments (%s)", c.minArgs, c.maxArgs, c.args)
}

func quoteAll(a []string) string {
	if len(a) == 0 {
		return "none"
	}
	q := make([]string, len(a))
	for i, s := range a {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, " ")
}

// tsFlag is an optional timestamp flag: set reports whether it was given,
// since 0 is a meaningful value ("must not exist").
type tsFlag struct {
	ts  int64
	set bool
}

func (f *tsFlag) String() string {
	if !f.set {
		return ""
	}
	return strconv.FormatInt(f.ts, 10)
}

func (f *tsFlag) Set(s string) error {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || v < 0 {
		return fmt.Errorf("want a timestamp in ms since 1970 as shown by 'kylinctl metastore stat' (0: must not exist), got %q", s)
	}
	f.ts, f.set = v, true
	return nil
}
