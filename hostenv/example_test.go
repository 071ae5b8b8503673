package hostenv_test

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore/memstore"
	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/scheduler"
)

// Every package takes the same Env through its WithEnv option.
func Example() {
	reg := prometheus.NewRegistry()
	env := hostenv.Env{Logger: zap.NewNop(), Registerer: reg} // Clock nil: the real one

	store := memstore.New()
	defer store.Close()
	locks := locallock.New(locallock.WithEnv(env))
	defer locks.Close()
	engine, err := scheduler.New(config.Job{}, store, locks, scheduler.WithEnv(env.Named("scheduler")))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer engine.Close()
	router, err := query.New(config.Query{}, cluster.Static(), query.WithEnv(env.Named("router")))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer router.Close()

	families, _ := reg.Gather()
	fmt.Println("metrics registered:", len(families) > 0)
	// Output:
	// metrics registered: true
}
