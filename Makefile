# make test: start ZooKeeper and HBase, run every test with -race, stop them.
.PHONY: test unit vet fmt bench-smoke quickstart

test:
	bash scripts/test.sh

# unit runs the tests without starting servers (integration tests skip).
unit:
	go test -race ./...

vet:
	go vet ./...
	test -z "$$(gofmt -l .)"

fmt:
	gofmt -w .

quickstart:
	go run ./examples/quickstart
