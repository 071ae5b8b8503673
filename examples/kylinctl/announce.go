package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
)

// defaultDeliveryWait bounds how long an announcement waits for the nodes
// when neither --wait nor --timeout says otherwise.
const defaultDeliveryWait = 30 * time.Second

// note is one cache event to send.
type note struct {
	entity, key string
	event       cluster.Event
}

func announceCmd(fs *flag.FlagSet) action {
	wait := fs.Duration("wait", defaultDeliveryWait, "how long to wait for every node to acknowledge")
	return func(ctx context.Context, e *env, args []string) error {
		n, err := parseNote(args)
		if err != nil {
			return err
		}
		cfg, err := e.config()
		if err != nil {
			return err
		}
		return e.broadcast(ctx, cfg, *wait, n)
	}
}

// parseNote checks ENTITY KEY EVENT.
func parseNote(args []string) (note, error) {
	entity, key := strings.TrimSpace(args[0]), strings.TrimSpace(args[1])
	if entity == "" || strings.Contains(entity, "/") {
		return note{}, usagef(nil, "entity %q: give one word such as cube, project, table, execute or all", args[0])
	}
	if key == "" {
		return note{}, usagef(nil, "empty key: give the entity's name (cube name, job id...), or 'all' with entity all")
	}
	ev, err := cluster.ParseEvent(args[2])
	if err != nil {
		return note{}, usagef(nil, "event %q: want create, update or drop", args[2])
	}
	return note{entity: entity, key: key, event: ev}, nil
}

// clusterConfigured reports whether the properties name the cluster's
// servers (rather than Kylin's default, localhost:7070).
func clusterConfigured(cfg config.Config) bool {
	_, a := cfg.Sources["kylin.server.cluster-servers"]
	_, b := cfg.Sources["kylin.server.cluster-servers-with-mode"]
	return a || b
}

// announceChange tells the cluster about a change at path, when the
// properties list the cluster's servers.
func (e *env) announceChange(ctx context.Context, skip bool, path string, ev cluster.Event) error {
	entity, key := entityOf(path)
	return e.announceNotes(ctx, skip, note{entity: entity, key: key, event: ev})
}

func (e *env) announceNotes(ctx context.Context, skip bool, notes ...note) error {
	if skip {
		return nil
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	if !clusterConfigured(cfg) {
		n := notes[0]
		e.warnf("kylin.server.cluster-servers is not set, so no node was told; nodes that cache it keep the old version "+
			"until you run: kylinctl announce %s %s %s", n.entity, n.key, n.event)
		return nil
	}
	return e.broadcast(ctx, cfg, defaultDeliveryWait, notes...)
}

// broadcast sends notes to every node of kylin.server.cluster-servers and
// waits up to wait for them to acknowledge.
func (e *env) broadcast(ctx context.Context, cfg config.Config, wait time.Duration, notes ...note) error {
	members, err := cluster.StaticFromConfig(cfg.Server)
	if err != nil {
		return err
	}
	defer members.Close()
	if len(members.Nodes()) == 0 {
		return usagef(nil, "no nodes to tell: set kylin.server.cluster-servers (host:port,host:port)")
	}
	b, err := cluster.NewBroadcaster(cfg.Broadcast, members)
	if err != nil {
		return err
	}
	for _, n := range notes {
		if err := b.Announce(ctx, n.entity, n.key, n.event); err != nil {
			b.Close()
			return err
		}
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	serr := b.Sync(wctx)
	cctx, ccancel := context.WithTimeout(ctx, time.Second)
	defer ccancel()
	b.Shutdown(cctx) // what Sync did not deliver is reported from serr
	return e.reportDelivery(b.Nodes(), notes, serr)
}

// reportDelivery prints which nodes acknowledged, and fails when one did not.
func (e *env) reportDelivery(nodes []cluster.Node, notes []note, serr error) error {
	var se *cluster.SyncError
	if serr != nil && !errors.As(serr, &se) {
		return serr
	}
	missed := map[string]string{}
	if se != nil {
		for _, n := range se.Stale {
			missed[n.Addr] = "unreachable after retries"
		}
		for _, n := range se.Behind {
			missed[n.Addr] = "no answer in time"
		}
	}
	what := fmt.Sprintf("%s/%s/%s", notes[0].entity, notes[0].key, notes[0].event)
	if len(notes) > 1 {
		what = fmt.Sprintf("%d events", len(notes))
	}
	var failed []string
	for _, n := range nodes {
		if why, ok := missed[n.Addr]; ok {
			fmt.Fprintf(e.stderr, "kylinctl: %s NOT delivered to %s: %s\n", what, n.Addr, why)
			failed = append(failed, n.Addr)
			continue
		}
		fmt.Fprintf(e.stderr, "kylinctl: %s delivered to %s\n", what, n.Addr)
	}
	if len(failed) > 0 {
		slices.Sort(failed)
		return fmt.Errorf("%s did not reach %s; check that they run and that kylin.server.cluster-servers is right, "+
			"then announce again (kylinctl announce ENTITY KEY EVENT)", what, strings.Join(failed, ", "))
	}
	return nil
}
