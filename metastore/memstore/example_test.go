package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

func ExampleNew() {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()

	for _, p := range []string{"/cube/b.json", "/cube/a.json", "/cube_desc/a.json", "/cube/seg/1"} {
		if _, err := s.Put(ctx, p, []byte("{}"), 0); err != nil {
			fmt.Println(err)
		}
	}
	children, _ := s.List(ctx, "/cube")
	fmt.Println(children) // direct children, sub-folders folded, byte order
	ok, _ := s.Exists(ctx, "/cube/seg")
	fmt.Println("a folder exists as a resource:", ok)
	// Output:
	// [/cube/a.json /cube/b.json /cube/seg]
	// a folder exists as a resource: false
}

// Example_sharedByName shows two nodes of one process sharing a metastore
// through the same "name@mem" URL.
func Example_sharedByName() {
	ctx := context.Background()
	node1, _ := metastore.Open(ctx, "cluster@mem")
	node2, _ := metastore.Open(ctx, "cluster@mem")
	defer node1.Close()
	defer node2.Close()

	ts, _ := node1.Put(ctx, "/project/p.json", []byte(`{"v":1}`), 0)
	r, _ := node2.Get(ctx, "/project/p.json")
	fmt.Printf("node2 reads %s at the ts node1 got: %v\n", r.Content, r.Timestamp == ts)

	_, err := node2.Put(ctx, "/project/p.json", []byte(`{"v":2}`), ts)
	_, err1 := node1.Put(ctx, "/project/p.json", []byte(`{"v":"lost"}`), ts) // same old ts
	fmt.Println(err, errors.Is(err1, metastore.ErrConflict))
	// Output:
	// node2 reads {"v":1} at the ts node1 got: true
	// <nil> true
}
