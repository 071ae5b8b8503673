#!/usr/bin/env bash
# Run the scale curves of bench/scale (every subfolder, one package at a
# time so they do not disturb each other) and rewrite their sections of
# bench/README.md. Starts a ZooKeeper of its own for the benchmarks that
# need one and stops it on exit. Takes tens of minutes; not part of make test.
set -euo pipefail
cd "$(dirname "$0")/.."

state=$(mktemp -d)
cleanup() {
	scripts/zookeeper.sh stop --dir "$state/zk" >/dev/null 2>&1 || true
	rm -rf "$state"
}
trap cleanup EXIT

KYLIN_TEST_ZK=$(scripts/zookeeper.sh start 1 --dir "$state/zk" | tail -n 1)
export KYLIN_TEST_ZK KYLIN_BENCH_README=1
go test -p 1 -count=1 -timeout 120m -run '^$' -bench . -benchtime 1x "$@" ./bench/scale/...
