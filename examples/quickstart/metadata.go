package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kylin-go/kylin/metastore/cache"
)

const demoProject = "learn_kylin"

// project reads a project through the node's metadata cache.
func (n *node) project(ctx context.Context, name string) (project, error) {
	r, err := n.meta.Get(ctx, projectPath(name))
	if err != nil {
		return project{}, err
	}
	var p project
	if err := json.Unmarshal(r.Content, &p); err != nil {
		return project{}, fmt.Errorf("%s: %w", projectPath(name), err)
	}
	return p, nil
}

// writeProject writes version v through n's cache (compare-and-set on the
// timestamp read first), which announces the change to every node, and
// waits until every node has it.
func (n *node) writeProject(ctx context.Context, v int) (int64, error) {
	path := projectPath(demoProject)
	var old int64
	if r, err := n.meta.Get(ctx, path); err == nil {
		old = r.Timestamp
	}
	body, _ := json.Marshal(project{Name: demoProject, Version: v})
	ts, err := n.meta.Put(ctx, path, body, old)
	if err != nil {
		return 0, err
	}
	return ts, n.bc.Sync(ctx)
}

// metadataAct: node-1 creates the project, every node caches version 1;
// node-2 updates it, and every node's cache answers version 2.
func metadataAct(ctx context.Context, c *demoCluster, say narrator) error {
	say.title("act 1: a metadata change reaches every node's cache")
	writer, updater := c.nodes[0], c.nodes[1]
	ts, err := writer.writeProject(ctx, 1)
	if err != nil {
		return err
	}
	say.line("%s creates %s version 1 (ts %d)", writer.name, projectPath(demoProject), ts)
	if err := expectVersion(ctx, c.live(), 1, say); err != nil {
		return err
	}
	entity, key := cache.PathEntity(projectPath(demoProject))
	ts, err = updater.writeProject(ctx, 2)
	if err != nil {
		return err
	}
	say.line("%s updates it to version 2 (ts %d) and broadcasts %s/%s/update to %d nodes",
		updater.name, ts, entity, key, len(updater.bc.Nodes()))
	return expectVersion(ctx, c.live(), 2, say)
}

// expectVersion reads the project through every node's cache and fails
// unless each answers want.
func expectVersion(ctx context.Context, nodes []*node, want int, say narrator) error {
	for _, n := range nodes {
		p, err := n.project(ctx, demoProject)
		if err != nil {
			return fmt.Errorf("%s: %w", n.name, err)
		}
		if p.Version != want {
			return fmt.Errorf("%s's cache answers version %d, want %d", n.name, p.Version, want)
		}
		say.line("%s cache answers version %d (cache-sync events received: %d)", n.name, p.Version, n.events.Load())
	}
	return nil
}
