package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"
)

func main() {
	var opts options
	fs := flag.NewFlagSet("node", flag.ExitOnError)
	fs.StringVar(&opts.confDir, "config", envOr("KYLIN_CONF", "."), "directory holding kylin.properties")
	fs.StringVar(&opts.confDir, "conf", envOr("KYLIN_CONF", "."), "same as --config")
	fs.StringVar(&opts.listen, "listen", "", "listen address (default kylin.server.host-address)")
	fs.Parse(os.Args[1:])

	log, err := zap.NewProduction()
	if err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		os.Exit(1)
	}
	defer log.Sync()
	opts.log = log
	opts.ready = func(addr string) { fmt.Println(addr) } // last stdout line, for scripts

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, opts); err != nil {
		log.Error("node stopped", zap.Error(err))
		os.Exit(1)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// options are what run needs besides the properties.
type options struct {
	confDir string
	listen  string // overrides kylin.server.host-address; port 0 picks one
	log     *zap.Logger
	ready   func(addr string) // called once the node serves
}
