#!/usr/bin/env bash
# Router before/after: the standalone router (examples/router, h1proxy data
# plane) built from a given commit ("before") and from the working tree
# ("after"), both in front of the same three loopback backends, measured
# with wrk (64 connections, keep-alive) in interleaved rounds (the order
# alternates each round) for 128-byte and 64 KiB responses. For a change
# that must keep the data plane's performance: the ratio after/before of
# each median, with the spread over the rounds.
#
#   bench/router/ab.sh main                         # print the table
#   bench/router/ab.sh -readme bench/README.md main # also write the "router-ab" section
#
# Environment: ROUNDS (7), DURATION seconds per wrk run (5), BASE_PORT (18300).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-7}
DURATION=${DURATION:-5}
BASE=${BASE_PORT:-18300}
README=""
if [ "${1:-}" = "-readme" ]; then README=$2; shift 2; fi
REV=${1:?usage: bench/router/ab.sh [-readme FILE] REVISION}
REV_ID=$(git rev-parse --short "$REV^{commit}")
HEAD_ID=$(git rev-parse --short HEAD)
if ! git diff --quiet HEAD -- . 2>/dev/null; then HEAD_ID="$HEAD_ID+changes"; fi

log() { printf '== %s\n' "$*" >&2; }
command -v wrk >/dev/null || {
	log "installing wrk"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
}

work=$(mktemp -d "${TMPDIR:-/tmp}/router-ab.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

wait_port() {
	local tries=0
	until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
		tries=$((tries + 1))
		if [ $tries -gt 300 ]; then log "nothing listens on $1 after 30 s"; exit 1; fi
		sleep 0.1
	done
}

log "building the router at $REV ($REV_ID) and at the working tree ($HEAD_ID)"
mkdir -p "$work/before/src" "$work/after" "$work/bin" "$work/results"
git archive "$REV_ID" | tar -x -C "$work/before/src"
(cd "$work/before/src" && go build -o "$work/before/router" ./examples/router)
go build -o "$work/after/router" ./examples/router
go build -o "$work/bin/" ./bench/router/backend ./bench/router/summarize

BACKENDS=""
for i in 1 2 3; do
	port=$((BASE + i))
	"$work/bin/backend" -addr "127.0.0.1:$port" >/dev/null 2>>"$work/backend.log" &
	pids+=($!)
	wait_port $port
	BACKENDS="$BACKENDS${BACKENDS:+,}127.0.0.1:$port"
done

declare -A port pid
start_router() { # name port
	cat >"$work/$1/kylin.properties" <<CONF
kylin.server.cluster-servers=$BACKENDS
kylin.go.router.listen=127.0.0.1:$2
kylin.go.router.admin-listen=
kylin.go.router.policy=round-robin
kylin.go.router.data-plane=h1
CONF
	"$work/$1/router" -conf "$work/$1" >/dev/null 2>"$work/$1/router.log" &
	pids+=($!)
	pid[$1]=$!
	port[$1]=$2
	wait_port "$2"
}
start_router before $((BASE + 10))
start_router after $((BASE + 11))

cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

log "warm-up"
for name in before after; do wrk -t2 -c64 -d1s "http://127.0.0.1:${port[$name]}/small" >/dev/null 2>&1 || true; done

for round in $(seq 1 "$ROUNDS"); do
	order="before after"
	if [ $((round % 2)) = 0 ]; then order="after before"; fi
	for size in small big; do
		for name in $order; do
			log "round $round/$ROUNDS $size $name"
			out="$work/results/r$round-$size-$name.txt"
			before_ticks=$(cpu_ticks "${pid[$name]}")
			wrk -t2 -c64 -d"$DURATION"s --latency "http://127.0.0.1:${port[$name]}/$size" >"$out" 2>&1 || true
			echo $(($(cpu_ticks "${pid[$name]}") - before_ticks)) >"$out.cpu"
		done
	done
done

args=(-ab -dir "$work/results" -rounds "$ROUNDS" -duration "$DURATION" -hz "$(getconf CLK_TCK)"
	-before "$REV_ID" -after "$HEAD_ID" -load "$(cut -d' ' -f1-3 /proc/loadavg)")
[ -n "$README" ] && args+=(-readme "$README")
"$work/bin/summarize" "${args[@]}"
