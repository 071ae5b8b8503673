#!/usr/bin/env bash
# Router benchmark: nginx, Caddy, a plain httputil.ReverseProxy, our
# embeddable net/http Handler, our standalone router (examples/router) on
# its default h1proxy data plane and, as a reference, a minimal raw-socket Go
# proxy (bench/router/rawproxy: Go's floor on this machine), each in
# front of the same three loopback Go backends, measured with wrk (64
# connections, keep-alive) in interleaved rounds, for 128-byte and 64 KiB
# responses; then a second run per contender that kills one backend midway
# and counts the errors clients saw.
#
#   bench/router/run.sh                     # print the table
#   bench/router/run.sh -readme bench/README.md   # also write the "router" section
#
# Besides wrk's req/s and latency, each run records the CPU time the
# contender's processes spent (utime+stime from /proc, all nginx workers
# summed), so the table also shows CPU per request: on a loaded shared
# machine that is the steadier figure.
#
# Environment: ROUNDS (5), DURATION seconds per wrk run (5), BASE_PORT (18100),
# ONLY (space-separated contender names, default all), KILL (1: run the
# kill-a-backend pass, the default; 0: skip it).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-5}
KILL=${KILL:-1}
DURATION=${DURATION:-5}
BASE=${BASE_PORT:-18100}
README=""
if [ "${1:-}" = "-readme" ]; then README=$2; fi

log() { printf '== %s\n' "$*" >&2; }

install_missing() {
	local missing=()
	command -v wrk >/dev/null || missing+=(wrk)
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
	command -v caddy >/dev/null || missing+=(caddy)
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
}
install_missing
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d "${TMPDIR:-/tmp}/router-bench.XXXXXX")
chmod 755 "$work"
pids=()
backend_pids=()
cleanup() {
	for p in "${pids[@]}" "${backend_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

wait_port() {
	local port=$1 tries=0
	until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		tries=$((tries + 1))
		if [ $tries -gt 300 ]; then log "nothing listens on $port after 30 s"; exit 1; fi
		sleep 0.1
	done
}

log "building"
mkdir -p "$work/bin" "$work/results"
go build -o "$work/bin/" ./bench/router/backend ./bench/router/plainproxy ./bench/router/rawproxy ./bench/router/summarize ./examples/router

B1=$((BASE + 1)) B2=$((BASE + 2)) B3=$((BASE + 3))
P_NGINX=$((BASE + 11)) P_CADDY=$((BASE + 12)) P_PLAIN=$((BASE + 13)) P_HANDLER=$((BASE + 14)) P_RAW=$((BASE + 17)) P_ROUTER=$((BASE + 18))
BACKENDS="127.0.0.1:$B1,127.0.0.1:$B2,127.0.0.1:$B3"

start_backend() { # index port
	"$work/bin/backend" -addr "127.0.0.1:$2" >/dev/null 2>>"$work/backend.log" &
	backend_pids[$1]=$!
	wait_port "$2"
}
start_backend 1 $B1
start_backend 2 $B2
start_backend 3 $B3

log "starting nginx on $P_NGINX"
mkdir -p "$work/nginx/tmp"
chmod 777 "$work/nginx/tmp"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $work/nginx/tmp/body;
	proxy_temp_path $work/nginx/tmp/proxy;
	fastcgi_temp_path $work/nginx/tmp/fastcgi;
	uwsgi_temp_path $work/nginx/tmp/uwsgi;
	scgi_temp_path $work/nginx/tmp/scgi;
	upstream kylin { server 127.0.0.1:$B1; server 127.0.0.1:$B2; server 127.0.0.1:$B3; keepalive 128; }
	server {
		listen 127.0.0.1:$P_NGINX;
		location / {
			proxy_pass http://kylin;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
		}
	}
}
CONF
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/stderr.log" &
pids+=($!)
cpid=($!)
wait_port $P_NGINX

log "starting Caddy on $P_CADDY"
mkdir -p "$work/caddy"
cat >"$work/caddy/Caddyfile" <<CONF
{
	admin off
	auto_https off
}
http://127.0.0.1:$P_CADDY {
	reverse_proxy 127.0.0.1:$B1 127.0.0.1:$B2 127.0.0.1:$B3 {
		lb_policy round_robin
	}
}
CONF
HOME="$work/caddy" XDG_DATA_HOME="$work/caddy" XDG_CONFIG_HOME="$work/caddy" \
	caddy run --config "$work/caddy/Caddyfile" --adapter caddyfile >/dev/null 2>"$work/caddy/caddy.log" &
pids+=($!)
cpid+=($!)
wait_port $P_CADDY

log "starting httputil.ReverseProxy on $P_PLAIN"
"$work/bin/plainproxy" -addr "127.0.0.1:$P_PLAIN" -backends "$BACKENDS" 2>"$work/plain.log" &
pids+=($!)
cpid+=($!)
wait_port $P_PLAIN

log "starting the minimal Go proxy (reference) on $P_RAW"
env ${ROUTER_ENV:-} "$work/bin/rawproxy" -addr "127.0.0.1:$P_RAW" -backends "$BACKENDS" 2>"$work/rawproxy.log" &
pids+=($!)
raw_pid=$!
wait_port $P_RAW

start_router() { # name port data-plane
	mkdir -p "$work/$1"
	cat >"$work/$1/kylin.properties" <<CONF
kylin.server.cluster-servers=$BACKENDS
kylin.go.router.listen=127.0.0.1:$2
kylin.go.router.admin-listen=
kylin.go.router.policy=round-robin
kylin.go.router.data-plane=$3
CONF
	env ${ROUTER_ENV:-} "$work/bin/router" -conf "$work/$1" >/dev/null 2>"$work/$1/router.log" &
	pids+=($!)
	cpid+=($!)
	wait_port "$2"
}
log "starting our routers on $P_ROUTER (h1proxy) and $P_HANDLER (net/http)"
start_router router $P_ROUTER h1
start_router handler $P_HANDLER net/http
cpid+=("$raw_pid")

all_names=(nginx caddy httputil router handler rawgo)
all_ports=($P_NGINX $P_CADDY $P_PLAIN $P_ROUTER $P_HANDLER $P_RAW)
all_pids=("${cpid[@]}")
names=() ports=() procs=()
for i in "${!all_names[@]}"; do
	if [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" ${all_names[$i]} "* ]]; then
		names+=("${all_names[$i]}") ports+=("${all_ports[$i]}") procs+=("${all_pids[$i]}")
	fi
done

# cpu_ticks PID: utime+stime of PID and its child processes (nginx workers),
# in clock ticks.
cpu_ticks() {
	local total=0 p t
	for p in "$1" $(pgrep -P "$1" || true); do
		t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}') || t=0
		total=$((total + ${t:-0}))
	done
	echo "$total"
}

run_wrk() { # out url seconds [pid whose CPU to record in out.cpu]
	local before=0
	[ -n "${4:-}" ] && before=$(cpu_ticks "$4")
	wrk -t2 -c64 -d"$3"s --latency "$2" >"$1" 2>&1 || true
	[ -n "${4:-}" ] && echo $(($(cpu_ticks "$4") - before)) >"$1.cpu"
	return 0
}

log "warm-up"
for i in "${!names[@]}"; do run_wrk /dev/null "http://127.0.0.1:${ports[$i]}/small" 1; done

for round in $(seq 1 "$ROUNDS"); do
	for size in small big; do
		# Rotate the order each round so no contender always runs first.
		for k in "${!names[@]}"; do
			i=$(((k + round) % ${#names[@]}))
			log "round $round/$ROUNDS $size ${names[$i]}"
			run_wrk "$work/results/r$round-$size-${names[$i]}.txt" "http://127.0.0.1:${ports[$i]}/$size" "$DURATION" "${procs[$i]}"
		done
	done
done

log "kill run: one backend killed midway through each contender's run"
[ "$KILL" = 1 ] || names=()
for i in "${!names[@]}"; do
	run_wrk "$work/results/kill-${names[$i]}.txt" "http://127.0.0.1:${ports[$i]}/small" 6 &
	wrk_pid=$!
	sleep 2
	kill -9 "${backend_pids[2]}"
	wait "${backend_pids[2]}" 2>/dev/null || true
	wait "$wrk_pid"
	start_backend 2 $B2
	sleep 2 # let passive and active health bring it back before the next contender
done

args=(-dir "$work/results" -rounds "$ROUNDS" -duration "$DURATION" -hz "$(getconf CLK_TCK)")
[ -n "$README" ] && args+=(-readme "$README")
"$work/bin/summarize" "${args[@]}"
