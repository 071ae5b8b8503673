// Command quickstart is the first thing to run: it loads a kylin.properties,
// opens the metastore it names through metastore.Open, and writes and reads
// metadata with compare-and-set, on the embedded defaults (no servers).
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	_ "github.com/kylin-go/kylin/metastore/filestore" // registers file paths
	_ "github.com/kylin-go/kylin/metastore/memstore"  // registers name@mem
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "kylin-quickstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	meta := filepath.Join(dir, "meta")
	props := "kylin.metadata.url=" + meta + "\nkylin.server.mode=all\n"
	if err := os.WriteFile(filepath.Join(dir, "kylin.properties"), []byte(props), 0o644); err != nil {
		return err
	}
	cfg, err := config.Load(dir)
	if err != nil {
		return err
	}
	fmt.Printf("loaded %s: metadata at %s, mode %s\n", filepath.Join(dir, "kylin.properties"), cfg.Metastore.URL, cfg.Server.Mode)

	if err := os.MkdirAll(meta, 0o755); err != nil {
		return err
	}
	store, err := metastore.Open(ctx, cfg.Metastore.URL)
	if err != nil {
		return err
	}
	defer store.Close()
	return demo(ctx, store)
}

func demo(ctx context.Context, store metastore.Store) error {
	path := "/project/learn_kylin.json"
	ts, err := store.Put(ctx, path, []byte(`{"name":"learn_kylin","version":1}`), 0)
	if err != nil {
		return err
	}
	fmt.Printf("created %s at ts %d\n", path, ts)

	// A second writer still holding the old timestamp (0) loses.
	if _, err := store.Put(ctx, path, []byte(`{"name":"learn_kylin","version":"stale"}`), 0); errors.Is(err, metastore.ErrConflict) {
		fmt.Println("a stale writer was refused:", err)
	} else {
		return fmt.Errorf("stale write was not refused: %v", err)
	}

	ts2, err := store.Put(ctx, path, []byte(`{"name":"learn_kylin","version":2}`), ts)
	if err != nil {
		return err
	}
	r, err := store.Get(ctx, path)
	if err != nil {
		return err
	}
	fmt.Printf("updated to ts %d (> %d): %s\n", ts2, ts, r.Content)

	children, err := store.List(ctx, "/")
	if err != nil {
		return err
	}
	fmt.Println("root folder lists:", children)
	return nil
}
