package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kylin-go/kylin/metastore"
)

// Example runs the tool in-process on an in-memory metastore that the
// example keeps open (kylinctl itself reaches file and HBase metastores).
func Example() {
	ctx := context.Background()
	meta, _ := metastore.Open(ctx, "example@mem")
	defer meta.Close()
	meta.Put(ctx, "/project/learn_kylin.json", []byte(`{"name":"learn_kylin"}`), 0)

	for _, args := range [][]string{
		{"metastore", "ls", "/project"},
		{"metastore", "cat", "/project/learn_kylin.json"},
		{"metastore", "cat", "/project/../x"},
	} {
		code := run(ctx, append([]string{"--metadata-url", "example@mem"}, args...), os.Stdout, os.Stdout)
		fmt.Println("\nexit", code)
	}
	// Output:
	// /project/learn_kylin.json
	//
	// exit 0
	// {"name":"learn_kylin"}
	// exit 0
	// kylinctl: metastore: invalid path "/project/../x": segment ".." is not allowed; paths are absolute from the store root
	//
	// exit 2
}
