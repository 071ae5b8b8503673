#!/usr/bin/env bash
# demo-cluster.sh: a kylin-go cluster with read/write separation, on real
# servers, on loopback:
#
#   metastore          standalone HBase (scripts/hbase.sh; its own ZooKeeper)
#   locks + discovery  a separate three-server Debian ZooKeeper ensemble
#                      (scripts/zookeeper.sh start 3)
#   nodes              three examples/node processes: one job, one query, one all
#   router             examples/router over the query-capable nodes (ZooKeeper discovery)
#
# The script submits jobs, SIGKILLs the node running one, shows another node
# taking the job over and finishing it, updates metadata, and shows every
# query node answering the new version through the router. It prints a
# summary and exits 0, or names the step that failed and exits 1. It stops
# everything it started, on every exit path.
#
#   scripts/demo-cluster.sh              # starts its own HBase (about a minute)
#   DEMO_HBASE_ZK=127.0.0.1:PORT scripts/demo-cluster.sh
#                                        # reuses a running standalone HBase
#                                        # (e.g. make test's KYLIN_TEST_HBASE_ZK)
#
# Environment: DEMO_HBASE_ZK (see above; KYLIN_TEST_HBASE_ZK is used when it
# is set and DEMO_HBASE_ZK is not), DEMO_KEEP=1 keeps the state directory
# (logs, configs) after a successful run; after a failure it is always kept.
# DEMO_BREAK=no-announce is the negative control: the metadata update is
# written behind the nodes' backs (kylinctl --no-announce), so the caches stay
# stale and the run must fail with "stale cache".
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '== %s\n' "$*"; }
say() { printf '   %s\n' "$*"; }
fail() {
	printf 'demo-cluster.sh: FAILED: %s\n' "$*" >&2
	exit 1
}

state=$(mktemp -d "${TMPDIR:-/tmp}/kylin-demo.XXXXXX")
pids=()
hbase_dir=""
zk_dir=""
cleanup() {
	local status=$?
	trap - EXIT INT TERM
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	[ -n "$zk_dir" ] && scripts/zookeeper.sh stop --dir "$zk_dir" 2>/dev/null || true
	[ -n "$hbase_dir" ] && scripts/hbase.sh stop --dir "$hbase_dir" 2>/dev/null || true
	if [ "$status" -ne 0 ]; then
		printf 'demo-cluster.sh: logs and configs kept in %s\n' "$state" >&2
		for f in "$state"/*.log; do
			[ -f "$f" ] || continue
			printf -- '--- last lines of %s\n' "$f" >&2
			tail -n 15 "$f" >&2
		done
	elif [ "${DEMO_KEEP:-}" = 1 ]; then
		printf 'state kept in %s\n' "$state"
	else
		rm -rf "$state"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every 0.2 s until it
# succeeds; fails naming WHAT after SECONDS.
wait_for() {
	local limit=$1 what=$2
	shift 2
	local deadline=$(($(date +%s) + limit))
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || fail "$what: not done within ${limit}s"
		sleep 0.2
	done
}

# http METHOD URL [curl args...]: the body on stdout; fails on a non-2xx.
http() {
	local method=$1 url=$2
	shift 2
	curl -sS --fail-with-body --max-time 30 -H "Authorization: Bearer $demo_token" -X "$method" "$url" "$@"
}

# field NAME: the top-level string or number field NAME of the indented JSON
# on stdin (the node writes two-space indented JSON).
field() {
	sed -n "s/^  \"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" | head -n 1
}

# ---------------------------------------------------------------- servers

log "building examples/node and examples/router"
mkdir -p "$state/bin"
go build -o "$state/bin/node" ./examples/node
go build -o "$state/bin/router" ./examples/router

hbase_zk=${DEMO_HBASE_ZK:-${KYLIN_TEST_HBASE_ZK:-}}
if [ -z "$hbase_zk" ]; then
	log "starting standalone HBase for the metastore (about a minute; log $state/hbase.log)"
	hbase_dir="$state/hbase"
	mkdir -p "$hbase_dir"
	hbase_zk=$(scripts/hbase.sh start --dir "$hbase_dir" 2>"$state/hbase.log" | tail -n 1) ||
		fail "scripts/hbase.sh start: see $state/hbase.log"
else
	log "using the running standalone HBase whose ZooKeeper is $hbase_zk"
fi
log "starting a three-server ZooKeeper ensemble for locks and discovery"
zk_dir="$state/zk"
ZK_TICK_MS=200 scripts/zookeeper.sh start 3 --dir "$zk_dir" >"$state/zk.addr" 2>"$state/zk.log" ||
	fail "scripts/zookeeper.sh start 3: see $state/zk.log"
zk=$(tail -n 1 "$state/zk.addr")
say "HBase metastore via its ZooKeeper $hbase_zk"
say "locks and discovery on ZooKeeper $zk"

# A table per run, so a reused HBase starts empty.
table="kylin_demo_$$_$(date +%s)"
cluster="kylin_demo_$$"

# The nodes' shared bearer token: it authorizes the demo's writes and the
# nodes' broadcasts to each other.
demo_token="demo-$$-$(date +%s)"

write_conf() { # DIR MODE
	mkdir -p "$1"
	cat >"$1/kylin.properties" <<EOF
kylin.metadata.url=$table@hbase,hbase.zookeeper.quorum=${hbase_zk%:*},hbase.zookeeper.property.clientPort=${hbase_zk##*:}
kylin.env.zookeeper-connect-string=$zk
kylin.server.cluster-name=$cluster
kylin.server.mode=$2
kylin.server.self-discovery-enabled=true
kylin.job.scheduler.default=2
kylin.job.scheduler.poll-interval-second=5
kylin.go.zookeeper.session-timeout-ms=4000
kylin.go.router.listen=127.0.0.1:0
kylin.go.router.admin-listen=
kylin.go.router.policy=round-robin
kylin.go.router.health-interval-ms=1000
kylin.go.broadcast.token=$demo_token
EOF
}

# start_proc NAME CMD...: starts CMD in the background, logs to NAME.log,
# and waits (bounded) for the address it prints as its last stdout line.
declare -A pid_of addr_of
start_proc() {
	local name=$1
	shift
	"$@" >"$state/$name.out" 2>"$state/$name.log" &
	local pid=$!
	pids+=("$pid")
	pid_of[$name]=$pid
	has_addr() {
		kill -0 "$pid" 2>/dev/null || fail "$name exited while starting; see $state/$name.log"
		[ -s "$state/$name.out" ]
	}
	wait_for 60 "$name to start" has_addr
	addr_of[$name]=$(tail -n 1 "$state/$name.out")
}

log "starting three nodes (modes job, query, all) and the router"
for mode in job query all; do
	write_conf "$state/conf-$mode" "$mode"
	start_proc "node-$mode" "$state/bin/node" --config "$state/conf-$mode" --listen 127.0.0.1:0
	say "node-$mode at http://${addr_of[node-$mode]}  (status page: http://${addr_of[node-$mode]}/status)"
done
write_conf "$state/conf-router" all
start_proc router "$state/bin/router" -conf "$state/conf-router"
router=${addr_of[router]}
say "router at http://$router"

node_name() { # ADDR -> node-MODE
	local n
	for n in node-job node-query node-all; do
		[ "${addr_of[$n]}" = "$1" ] && { echo "$n"; return; }
	done
	echo "$1"
}

# every node sees all three in ZooKeeper
sees_three() {
	local n
	for n in node-job node-query node-all; do
		[ "$(curl -s --max-time 5 "http://${addr_of[$n]}/status" | grep -c 'class="node"')" = 3 ] || return 1
	done
}
wait_for 60 "every node to discover the other two through ZooKeeper" sees_three
say "every node lists the three nodes (ZooKeeper discovery)"

# ---------------------------------------------------------------- metadata v1

project_url="/kylin/api/resource/project/learn_kylin.json"
log "writing project learn_kylin version 1 to the HBase metastore through node-all"
http PUT "http://${addr_of[node-all]}$project_url" --data '{"name":"learn_kylin","version":1}' >"$state/put1.json" ||
	fail "PUT $project_url on node-all: $(cat "$state/put1.json")"
say "stored at ts $(field timestamp <"$state/put1.json"), announced to $(field announced_to <"$state/put1.json") nodes"

# query_router COUNT WANT: COUNT queries through the router; each answer must
# carry version WANT; fills answered[node] with how many each node answered.
declare -A answered
query_router() {
	local count=$1 want=$2 i a n v
	answered=()
	for i in $(seq 1 "$count"); do
		a=$(http POST "http://$router/kylin/api/query" -H 'Content-Type: application/json' \
			--data '{"sql":"select count(*) from kylin_sales","project":"learn_kylin"}') ||
			fail "query $i through the router: $a"
		n=$(node_name "$(field node <<<"$a")")
		v=$(sed -n 's/.*"version": *\([0-9]*\).*/\1/p' <<<"$a" | head -n 1)
		say "query $i -> $n: learn_kylin version $v"
		[ "$v" = "$want" ] || fail "$n answered version $v through the router, want $want (stale cache)"
		answered[$n]=$((${answered[$n]:-0} + 1))
	done
}

log "querying through the router: both query nodes answer (and cache) version 1"
routes_two() {
	local b
	b=$(curl -s --max-time 5 -X POST "http://$router/kylin/api/query" --data '{"project":"learn_kylin"}') || return 1
	[ -n "$(field node <<<"$b")" ]
}
wait_for 60 "the router to find a query node" routes_two
query_router 4 1
[ "${#answered[@]}" = 2 ] || fail "the router spread 4 queries over ${#answered[@]} node(s), want node-query and node-all"

# ---------------------------------------------------------------- jobs

log "submitting two jobs (4 steps of 2 s each) on node-job"
jobs=()
for i in 1 2; do
	body=$(http POST "http://${addr_of[node-job]}/kylin/api/jobs?name=demo-$i&steps=4&ms=2000") ||
		fail "submit job $i: $body"
	jobs+=("$(field id <<<"$body")")
	say "job demo-$i: ${jobs[-1]}"
done

job_json() { curl -s --max-time 10 "http://$1/kylin/api/jobs/$2"; }

victim_job=""
victim=""
one_running() {
	local j b
	for j in "${jobs[@]}"; do
		b=$(job_json "${addr_of[node-query]}" "$j")
		if [ "$(field state <<<"$b")" = RUNNING ] && [ -n "$(field owner <<<"$b")" ]; then
			victim_job=$j
			victim=$(node_name "$(field owner <<<"$b")")
			return 0
		fi
	done
	return 1
}
wait_for 60 "a job to start running" one_running
say "job $victim_job is RUNNING on $victim"

log "SIGKILL $victim (pid ${pid_of[$victim]}) mid-job"
kill -KILL "${pid_of[$victim]}"
wait "${pid_of[$victim]}" 2>/dev/null || true

taken_over() {
	local b
	b=$(job_json "${addr_of[node-query]}" "$victim_job")
	[ "$(field state <<<"$b")" = SUCCEED ]
}
wait_for 90 "job $victim_job to be taken over and finished after its node was killed" taken_over
final=$(job_json "${addr_of[node-query]}" "$victim_job")
owner=$(node_name "$(field owner <<<"$final")")
[ "$owner" != "$victim" ] || fail "job $victim_job finished, but its owner is the killed node $victim"
say "job $victim_job is SUCCEED, finished by $owner after its lease expired in ZooKeeper:"
grep '"content"' <<<"$final" | sed 's/^ *"content": "\(.*\)",\{0,1\}$/     \1/'

all_done() {
	local j
	for j in "${jobs[@]}"; do
		[ "$(field state <<<"$(job_json "${addr_of[node-query]}" "$j")")" = SUCCEED ] || return 1
	done
}
wait_for 90 "every job to finish" all_done
say "every submitted job is SUCCEED"

# ---------------------------------------------------------------- metadata v2

log "updating project learn_kylin to version 2 through node-query"
# The killed node leaves the membership when its ZooKeeper session expires;
# wait for that so the broadcast is not held up by a dead node.
sees_two() {
	[ "$(curl -s --max-time 5 "http://${addr_of[node-query]}/status" | grep -c 'class="node"')" = 2 ]
}
wait_for 60 "the killed node to leave the membership" sees_two
if [ "${DEMO_BREAK:-}" = no-announce ]; then
	# Negative control: write behind the nodes' backs, with no cache-sync
	# event. The router check below must catch the stale caches and fail.
	say "DEMO_BREAK=no-announce: writing with kylinctl --no-announce; the demo must FAIL below"
	go build -o "$state/bin/kylinctl" ./examples/kylinctl
	printf '%s' '{"name":"learn_kylin","version":2}' |
		"$state/bin/kylinctl" --config "$state/conf-query" metastore put --no-announce /project/learn_kylin.json - >&2 ||
		fail "kylinctl metastore put"
else
	http PUT "http://${addr_of[node-query]}$project_url" --data '{"name":"learn_kylin","version":2}' >"$state/put2.json" ||
		fail "PUT $project_url on node-query: $(cat "$state/put2.json")"
	grep -q '"behind"\|"stale"' "$state/put2.json" && fail "the update did not reach every node: $(cat "$state/put2.json")"
	say "stored at ts $(field timestamp <"$state/put2.json"), delivered to $(field announced_to <"$state/put2.json") live nodes"
fi

log "querying through the router: every live query node answers version 2 (its cache was told)"
live_query_nodes=(node-query)
[ "$victim" != node-all ] && live_query_nodes+=(node-all)
queries=$((${#live_query_nodes[@]} * 3))
query_router "$queries" 2
for n in "${live_query_nodes[@]}"; do
	[ -n "${answered[$n]:-}" ] || fail "the router sent no query to $n"
done

# ---------------------------------------------------------------- summary

log "summary"
say "metastore: HBase table $table (HBase's ZooKeeper $hbase_zk)"
say "locks and discovery: ZooKeeper ensemble $zk, cluster $cluster"
say "killed $victim while it ran job $victim_job; $owner took it over and finished it"
say "${#jobs[@]} jobs submitted, ${#jobs[@]} SUCCEED"
for n in "${live_query_nodes[@]}"; do
	say "$n answered ${answered[$n]} of $queries queries through the router, all with version 2"
done
log "demo passed"
