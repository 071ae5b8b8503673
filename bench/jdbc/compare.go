package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/kylin-go/kylin/metastore"
	_ "github.com/kylin-go/kylin/metastore/jdbcstore"
)

// compare runs the rounds and prints one JSON line per measured run.
func compare(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	url := fs.String("url", "", "the Go side's metadata URL (IDENTIFIER@jdbc,url=...,username=...,password=...)")
	clients := fs.Int("clients", 8, "concurrent clients per side")
	rounds := fs.Int("rounds", 5, "measured rounds")
	warmup := fs.Duration("warmup", time.Second, "unmeasured time at the start of each run")
	measure := fs.Duration("measure", 3*time.Second, "measured time of each run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" || fs.NArg() == 0 || *clients < 1 || *rounds < 1 {
		return errors.New("compare needs -url, positive -clients and -rounds, and the Java command after --")
	}
	ctx := context.Background()
	s, err := metastore.Open(ctx, *url)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := setup(ctx, s); err != nil {
		return fmt.Errorf("setting up the Go side: %w", err)
	}
	p, err := startPeer(fs.Args())
	if err != nil {
		return err
	}
	defer p.close()
	if err := p.setup(); err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	for _, w := range workloads { // prime both sides
		fmt.Fprintf(os.Stderr, "prime %s\n", w)
		if _, err := p.run(w, *clients, *warmup/2, *warmup/2, "prime"); err != nil {
			return err
		}
		runGo(s, w, *clients, *warmup/2, *warmup/2, "prime")
	}
	for round := 1; round <= *rounds; round++ {
		for _, w := range workloads {
			nonce := fmt.Sprintf("r%d-%d", round, time.Now().UnixNano())
			sides := []string{"kylin", "ours"}
			if round%2 == 0 {
				sides = []string{"ours", "kylin"}
			}
			for _, side := range sides {
				var r result
				if side == "kylin" {
					if r, err = p.run(w, *clients, *warmup, *measure, nonce+"k"); err != nil {
						return err
					}
				} else {
					r = runGo(s, w, *clients, *warmup, *measure, nonce+"g")
				}
				r.Round = round
				fmt.Fprintf(os.Stderr, "round %d %-4s %-5s %7.0f ops/s p99 %v errors %d\n", round, w, side,
					float64(r.Ops)/r.Seconds, time.Duration(r.P99), r.Errors)
				if err := enc.Encode(r); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
