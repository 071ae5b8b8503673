package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/scheduler"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// command is one subcommand: "metastore ls", "announce".
type command struct {
	group   string // "" for a top-level command
	name    string
	args    string // synopsis of the positional arguments
	summary string // one line, for the command list
	detail  string // the rest of --help
	minArgs int
	maxArgs int // -1: no limit
	// setup registers the command's flags and returns its action, which
	// reads the flag values when it runs.
	setup func(fs *flag.FlagSet) action
}

// action runs a parsed command.
type action func(ctx context.Context, e *env, args []string) error

func (c *command) path() string {
	if c.group == "" {
		return c.name
	}
	return c.group + " " + c.name
}

// run is the whole tool: it parses args, runs one command and returns the
// exit code (0 ok, 1 failure, 2 usage).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdout, stderr, defaultHooks())
}

// runWith is run with the hooks that tests replace.
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, h hooks) int {
	e := &env{stdout: stdout, stderr: stderr, hooks: h}
	defer e.close()
	err := dispatch(ctx, e, args)
	return report(stderr, err)
}

// dispatch parses the global flags, finds the command and runs it.
func dispatch(ctx context.Context, e *env, args []string) error {
	top := newFlagSet("kylinctl")
	e.globals.register(top)
	if err := top.Parse(args); err != nil {
		return flagErr(err, e, nil)
	}
	rest := top.Args()
	if len(rest) == 0 {
		return usagef(nil, "no command given; run 'kylinctl --help' for the list")
	}
	if rest[0] == "help" {
		return showHelp(e, rest[1:])
	}
	c, cmdArgs, err := lookup(rest)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printGroup(e.stdout, rest[0])
			return nil
		}
		return err
	}
	return execute(ctx, e, c, cmdArgs)
}

// execute parses a command's flags and arguments and runs it.
func execute(ctx context.Context, e *env, c *command, args []string) error {
	fs := newFlagSet("kylinctl " + c.path())
	e.globals.register(fs)
	act := c.setup(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return flagErr(err, e, c)
	}
	if len(pos) < c.minArgs || (c.maxArgs >= 0 && len(pos) > c.maxArgs) {
		return usagef(c, "%s takes %s, got %d argument(s): %s", c.path(), argCount(c), len(pos), quoteAll(pos))
	}
	if err := e.globals.check(); err != nil {
		return usageErr(c, err)
	}
	if e.hooks.dryRun {
		return nil
	}
	if e.globals.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.globals.timeout)
		defer cancel()
	}
	return act(ctx, e, pos)
}

// lookup finds the command named by the first one or two words.
func lookup(words []string) (*command, []string, error) {
	for _, c := range commands() {
		if c.group == "" && c.name == words[0] {
			return c, words[1:], nil
		}
	}
	if !isGroup(words[0]) {
		return nil, nil, usagef(nil, "unknown command %q; commands are %s", words[0], strings.Join(groups(), ", "))
	}
	if len(words) < 2 {
		return nil, nil, usagef(nil, "%s needs a subcommand: %s", words[0], strings.Join(subcommands(words[0]), ", "))
	}
	if isHelpFlag(words[1]) {
		return nil, nil, flag.ErrHelp
	}
	for _, c := range commands() {
		if c.group == words[0] && c.name == words[1] {
			return c, words[2:], nil
		}
	}
	return nil, nil, usagef(nil, "unknown command %q %q; %s subcommands are %s",
		words[0], words[1], words[0], strings.Join(subcommands(words[0]), ", "))
}

func isHelpFlag(s string) bool {
	return s == "-h" || s == "-help" || s == "--help"
}

// report prints err and maps it to an exit code.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	var u *usageError
	if errors.As(err, &u) {
		fmt.Fprintf(stderr, "kylinctl: %v\n", u.err)
		if u.cmd != nil {
			fmt.Fprintf(stderr, "usage: kylinctl %s [flags] %s (kylinctl %s --help for more)\n", u.cmd.path(), u.cmd.args, u.cmd.path())
		}
		return exitUsage
	}
	fmt.Fprintf(stderr, "kylinctl: %v\n", err)
	if badInput(err) {
		return exitUsage
	}
	return exitFailure
}

// badInput: errors that blame an argument, not the cluster.
func badInput(err error) bool {
	return errors.Is(err, metastore.ErrInvalidPath) || errors.Is(err, scheduler.ErrInvalidJob) ||
		errors.Is(err, errBadLockKey)
}

// errBadLockKey marks a lock key or prefix that lock.ValidateKey refused.
var errBadLockKey = errors.New("bad lock key")

// checkLockKey validates a lock key (prefix: the root is allowed).
func checkLockKey(key string, prefix bool) error {
	var err error
	if prefix {
		err = lock.ValidatePrefix(key)
	} else {
		err = lock.ValidateKey(key)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", errBadLockKey, err)
	}
	return nil
}
