package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

const topUsage = `kylinctl: administer a kylin-go / Kylin 3.x cluster: its metastore, its locks,
its jobs and its cache broadcasts.

usage: kylinctl [global flags] COMMAND [SUBCOMMAND] [flags] [args]

The configuration is kylin.properties (and kylin.properties.override) in
--config DIR, else $KYLIN_CONF, else $KYLIN_HOME/conf. --metadata-url alone is
enough for the metastore commands.

Exit codes: 0 success, 1 failure, 2 bad command line or input.
`

// printTop prints the tool's help: the command list and the global flags.
func printTop(w io.Writer) {
	fmt.Fprint(w, topUsage)
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-20s %s\n", c.path(), c.summary)
	}
	fmt.Fprintln(w, "\nglobal flags (accepted by every command too):")
	printFlags(w, func(fs *flag.FlagSet) { new(globals).register(fs) })
	fmt.Fprintln(w, "\nRun 'kylinctl COMMAND [SUBCOMMAND] --help' for a command's flags.")
}

// printGroup prints the subcommands of one group.
func printGroup(w io.Writer, group string) {
	fmt.Fprintf(w, "usage: kylinctl %s SUBCOMMAND [flags] [args]\n\nsubcommands:\n", group)
	for _, c := range commands() {
		if c.group == group {
			fmt.Fprintf(w, "  %-10s %-22s %s\n", c.name, c.args, c.summary)
		}
	}
	fmt.Fprintf(w, "\nRun 'kylinctl %s SUBCOMMAND --help' for details.\n", group)
}

// printCommand prints one command's help.
func printCommand(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: kylinctl %s [flags] %s\n\n%s.\n", c.path(), c.args, sentence(c.summary))
	if c.detail != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.detail))
	}
	fmt.Fprintln(w, "\nflags:")
	printFlags(w, func(fs *flag.FlagSet) { c.setup(fs) })
	fmt.Fprintln(w, "\nglobal flags: --config DIR, --metadata-url URL, --zookeeper HOSTS, --timeout D (kylinctl --help)")
}

// sentence capitalises the first letter of an ASCII summary.
func sentence(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// printFlags prints the flags that reg registers, or "(none)".
func printFlags(w io.Writer, reg func(*flag.FlagSet)) {
	fs := newFlagSet("")
	reg(fs)
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		name, usage := flag.UnquoteUsage(f)
		arg := "--" + f.Name
		if len(f.Name) == 1 {
			arg = "-" + f.Name
		}
		if name != "" {
			arg += " " + name
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
			def = fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  %-26s %s%s\n", arg, usage, def)
	})
	if n == 0 {
		fmt.Fprintln(w, "  (none)")
	}
}

// showHelp serves "kylinctl help [COMMAND [SUBCOMMAND]]".
func showHelp(e *env, words []string) error {
	if len(words) == 0 {
		printTop(e.stdout)
		return nil
	}
	if isGroup(words[0]) && len(words) == 1 {
		printGroup(e.stdout, words[0])
		return nil
	}
	c, rest, err := lookup(words)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef(nil, "help takes a command name, got extra words %s", quoteAll(rest))
	}
	printCommand(e.stdout, c)
	return nil
}

func groups() []string {
	var out []string
	for _, c := range commands() {
		name := c.group
		if name == "" {
			name = c.name
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

func isGroup(name string) bool { return len(subcommands(name)) > 0 }

func subcommands(group string) []string {
	var out []string
	for _, c := range commands() {
		if c.group == group {
			out = append(out, c.name)
		}
	}
	return out
}
