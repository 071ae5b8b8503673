# make test: start ZooKeeper and HBase, run every test with -race, the
# benchmark smoke, the quickstart and the demo cluster, then stop them.
.PHONY: test unit vet lint fmt quickstart demo bench-scale compat-chaos

test:
	bash scripts/test.sh

# unit runs the tests without starting servers: integration tests skip
# locally (and fail under CI=true, where make test must be used).
unit:
	go test -race ./...

vet:
	go vet ./...
	test -z "$$(gofmt -l .)"

lint:
	bash scripts/staticcheck.sh ./...

fmt:
	gofmt -w .

quickstart:
	go run ./examples/quickstart

demo:
	bash scripts/demo-cluster.sh

# bench-scale runs the growth curves of bench/scale (tens of minutes; not
# part of make test, which runs their -short smoke) and rewrites their
# sections of bench/README.md.
bench-scale:
	bash scripts/bench-scale.sh

# compat-chaos: Kylin's own mode-2 and mode-100 schedulers beside our engine
# under SIGKILLs, with negative controls (about ten minutes; not part of
# make test).
compat-chaos:
	bash scripts/compat-chaos.sh
