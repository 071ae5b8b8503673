#!/usr/bin/env bash
# The one test command (make test): installs and starts the real servers the
# integration tests need, runs every test with the race detector, and stops
# what it started. Works on a fresh machine; under CI=true a server that
# cannot be started fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

state=$(mktemp -d "${TMPDIR:-/tmp}/kylin-test.XXXXXX")
hbase_pid=""
hdfs_pid=""
mariadb_pid=""
kylin_pid=""
cleanup() {
	status=$?
	[ -n "$mariadb_pid" ] && kill "$mariadb_pid" 2>/dev/null || true
	[ -x scripts/mariadb.sh ] && scripts/mariadb.sh stop --dir "$state/mariadb" >&2 || true
	[ -n "$hbase_pid" ] && kill "$hbase_pid" 2>/dev/null || true
	[ -n "$hdfs_pid" ] && kill "$hdfs_pid" 2>/dev/null || true
	[ -x scripts/hdfs.sh ] && scripts/hdfs.sh stop --dir "$state/hdfs" >&2 || true
	[ -n "$kylin_pid" ] && kill "$kylin_pid" 2>/dev/null || true
	[ -x scripts/hbase.sh ] && scripts/hbase.sh stop --dir "$state/hbase" >&2 || true
	[ -x scripts/zookeeper.sh ] && scripts/zookeeper.sh stop --dir "$state/zk" >&2 || true
	rm -rf "$state"
	exit "$status"
}
trap cleanup EXIT INT TERM

log() { printf '== %s\n' "$*" >&2; }

# HBase takes the longest (jar download on a fresh machine, JVM start), so it
# starts in the background while ZooKeeper starts and the tests compile.
if [ -x scripts/hbase.sh ]; then
	log "starting standalone HBase (log: $state/hbase.out)"
	mkdir -p "$state/hbase"
	scripts/hbase.sh start --dir "$state/hbase" >"$state/hbase.addr" 2>"$state/hbase.out" &
	hbase_pid=$!
fi
# HDFS (NameNode and DataNode, for HBase's big cells and the hdfs metastore)
# likewise starts in the background.
if [ -x scripts/hdfs.sh ]; then
	log "starting HDFS (log: $state/hdfs.out)"
	mkdir -p "$state/hdfs"
	scripts/hdfs.sh start --dir "$state/hdfs" >"$state/hdfs.addr" 2>"$state/hdfs.out" &
	hdfs_pid=$!
fi
if [ -x scripts/mariadb.sh ]; then
	log "starting MariaDB (log: $state/mariadb.out)"
	scripts/mariadb.sh start --dir "$state/mariadb" >"$state/mariadb.addr" 2>"$state/mariadb.out" &
	mariadb_pid=$!
fi
# Kylin 3.1.3's jars for compat/ (Maven Central; cached after the first run)
# download meanwhile too.
if [ -x scripts/kylin-jars.sh ]; then
	log "fetching Kylin 3.1.3's jars (log: $state/kylin-jars.out)"
	scripts/kylin-jars.sh >"$state/kylin-jars.dir" 2>"$state/kylin-jars.out" &
	kylin_pid=$!
fi
if [ -x scripts/zookeeper.sh ]; then
	log "starting ZooKeeper"
	KYLIN_TEST_ZK=$(scripts/zookeeper.sh start 1 --dir "$state/zk" | tail -n 1)
	export KYLIN_TEST_ZK
	log "ZooKeeper at $KYLIN_TEST_ZK"
fi

log "go vet"
go vet ./...
log "gofmt"
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || { printf 'not gofmt-ed:\n%s\n' "$unformatted" >&2; exit 1; }
log "staticcheck"
scripts/staticcheck.sh ./...
log "compiling tests"
go test -race -count=1 -run '^$' ./... >/dev/null

if [ -n "$hbase_pid" ]; then
	if ! wait "$hbase_pid"; then
		hbase_pid=""
		log "HBase failed to start:"
		tail -n 60 "$state/hbase.out" >&2
		exit 1
	fi
	hbase_pid=""
	KYLIN_TEST_HBASE_ZK=$(tail -n 1 "$state/hbase.addr")
	export KYLIN_TEST_HBASE_ZK
	log "HBase (its ZooKeeper) at $KYLIN_TEST_HBASE_ZK"
fi
if [ -n "$hdfs_pid" ]; then
	if ! wait "$hdfs_pid"; then
		hdfs_pid=""
		log "HDFS failed to start:"
		tail -n 60 "$state/hdfs.out" >&2
		exit 1
	fi
	hdfs_pid=""
	KYLIN_TEST_HDFS=$(tail -n 1 "$state/hdfs.addr")
	export KYLIN_TEST_HDFS
	log "HDFS NameNode at $KYLIN_TEST_HDFS"
fi

if [ -n "$mariadb_pid" ]; then
	if ! wait "$mariadb_pid"; then
		mariadb_pid=""
		log "MariaDB failed to start:"
		tail -n 60 "$state/mariadb.out" >&2
		exit 1
	fi
	mariadb_pid=""
	KYLIN_TEST_MARIADB=$(tail -n 1 "$state/mariadb.addr")
	export KYLIN_TEST_MARIADB
	log "MariaDB at $KYLIN_TEST_MARIADB"
fi
if [ -n "$kylin_pid" ]; then
	if ! wait "$kylin_pid"; then
		kylin_pid=""
		log "fetching Kylin's jars failed:"
		tail -n 60 "$state/kylin-jars.out" >&2
		exit 1
	fi
	kylin_pid=""
	KYLIN_TEST_KYLIN_JARS=$(tail -n 1 "$state/kylin-jars.dir")
	export KYLIN_TEST_KYLIN_JARS
	log "Kylin's jars in $KYLIN_TEST_KYLIN_JARS"
fi

log "go test -race ./..."
go test -race -count=1 -timeout 18m "$@" ./...

log "benchmarks build and run once (-short; timings are not checked here)"
go test -short -count=1 -run '^$' -bench . -benchtime 1x ./bench/... >"$state/bench-smoke.out" 2>&1 ||
	{ tail -n 40 "$state/bench-smoke.out" >&2; exit 1; }

log "quickstart"
go run ./examples/quickstart >"$state/quickstart.out" || { cat "$state/quickstart.out" >&2; exit 1; }

if [ -n "${KYLIN_TEST_HBASE_ZK:-}" ]; then
	log "demo cluster (HBase metastore, ZooKeeper ensemble, three nodes and the router)"
	scripts/demo-cluster.sh
	log "demo negative control: a metadata change that is not announced must be caught"
	if DEMO_BREAK=no-announce scripts/demo-cluster.sh >"$state/demo-neg.out" 2>&1; then
		log "the demo did not notice a stale cache"
		exit 1
	fi
	grep -q "stale cache" "$state/demo-neg.out" || { tail -n 40 "$state/demo-neg.out" >&2; exit 1; }
fi
log "all tests passed"
