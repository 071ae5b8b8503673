#!/usr/bin/env bash
# The one test command (make test): installs and starts the real servers the
# integration tests need, runs every test with the race detector, and stops
# what it started. Works on a fresh machine; under CI=true a server that
# cannot be started fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

state=$(mktemp -d "${TMPDIR:-/tmp}/kylin-test.XXXXXX")
declare -A starting=() # name -> pid of a background start not yet awaited
cleanup() {
	status=$?
	local pid
	for pid in "${starting[@]}"; do kill "$pid" 2>/dev/null || true; done
	[ -x scripts/mariadb.sh ] && scripts/mariadb.sh stop --dir "$state/mariadb" >&2 || true
	[ -x scripts/hdfs.sh ] && scripts/hdfs.sh stop --dir "$state/hdfs" >&2 || true
	[ -x scripts/hbase.sh ] && scripts/hbase.sh stop --dir "$state/hbase" >&2 || true
	[ -x scripts/zookeeper.sh ] && scripts/zookeeper.sh stop --dir "$state/zk" >&2 || true
	rm -rf "$state"
	exit "$status"
}
trap cleanup EXIT INT TERM

log() { printf '== %s\n' "$*" >&2; }

# start_bg NAME WHAT SCRIPT ARGS...: runs SCRIPT in the background when it
# exists; its stderr goes to $state/NAME.out and its last stdout line (the
# address, or the directory) is read by await.
start_bg() {
	local name=$1 what=$2 script=$3
	shift 3
	[ -x "$script" ] || return 0
	log "$what (log: $state/$name.out)"
	mkdir -p "$state/$name"
	"$script" "$@" >"$state/$name.addr" 2>"$state/$name.out" &
	starting[$name]=$!
}

# await NAME VAR WHAT: waits for NAME's start and exports VAR as the last
# line it printed; a failed start shows its log and fails the run.
await() {
	local name=$1 var=$2 what=$3 pid=${starting[$1]:-}
	[ -n "$pid" ] || return 0
	unset "starting[$name]"
	if ! wait "$pid"; then
		log "$what failed:"
		tail -n 60 "$state/$name.out" >&2
		exit 1
	fi
	export "$var=$(tail -n 1 "$state/$name.addr")"
	log "$what: ${!var}"
}

# HBase takes the longest (jar download on a fresh machine, JVM start), so it
# and the other slow starts run in the background while ZooKeeper starts and
# the tests compile: HDFS (HBase's big cells and the hdfs metastore), MariaDB,
# and Kylin 3.1.3's jars for compat/ (Maven Central, cached after the first
# run).
start_bg hbase "starting standalone HBase" scripts/hbase.sh start --dir "$state/hbase"
start_bg hdfs "starting HDFS" scripts/hdfs.sh start --dir "$state/hdfs"
start_bg mariadb "starting MariaDB" scripts/mariadb.sh start --dir "$state/mariadb"
start_bg kylin-jars "fetching Kylin 3.1.3's jars" scripts/kylin-jars.sh
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

await hbase KYLIN_TEST_HBASE_ZK "HBase (its ZooKeeper)"
await hdfs KYLIN_TEST_HDFS "HDFS NameNode"
await mariadb KYLIN_TEST_MARIADB "MariaDB"
await kylin-jars KYLIN_TEST_KYLIN_JARS "Kylin's jars"

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
