package zklock_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/zklock"
)

// A job engine takes Kylin's global job engine lock and stops working the
// moment its lease may be lost; every write it makes carries the lease's
// fencing token. (It needs a running ZooKeeper, so it is compiled, not
// run.)
func Example() {
	cfg := config.Default().ZooKeeper
	cfg.ConnectString = "127.0.0.1:2181"
	cfg.SessionTimeout = 10 * time.Second

	ctx := context.Background()
	locks, err := zklock.New(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer locks.Close()

	lease, err := locks.Lock(ctx, "/job_engine/global_job_engine_lock")
	if err != nil {
		log.Fatal(err)
	}
	var fence lock.Fence // in real use, the guarded resource's own check
	work, stop := context.WithCancel(ctx)
	go func() { <-lease.Done(); stop() }() // lease lost or released: stop at once
	for batch := 0; batch < 3 && work.Err() == nil; batch++ {
		// Each write is admitted by the fence first: a writer whose token
		// is older than the newest one seen for this key is refused.
		if err := fence.Admit(lease.Key(), lease.Token()); err != nil {
			break
		}
		fmt.Println("working as", lease.Owner(), "batch", batch)
	}
	_ = lease.Unlock(ctx)
}
