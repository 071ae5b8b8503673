#!/usr/bin/env bash
# Router connection economy, session affinity and TLS (issue 21, issue 15):
# our standalone router (examples/router, h1proxy, session affinity on,
# bounded node pools) against nginx (round robin, upstream keepalive N) and
# HAProxy (Debian, round robin, "cookie JSESSIONID prefix"), in front of
# the same three loopback Kylin-like session nodes (bench/router/backend
# -name). Three parts, each in interleaved rounds:
#
#  1. throughput: wrk on 128-byte GETs at 64, 256 and 1,024 client
#     connections: req/s, p99, and, sampled mid-run, the established
#     connections to the nodes and the contender's open file descriptors;
#  2. sessions: bench/router/sessions logs users in, browses, kills the
#     node of the first user's session, browses on (re-login on 401);
#     nginx with ip_hash (its stock stickiness) and with plain round robin
#     (no affinity: the negative control) beside ours and HAProxy's;
#  3. TLS: wrk over HTTPS at 64 connections, our router against nginx,
#     both terminating TLS with the same certificate (plain nodes behind).
#
#   bench/router/conns.sh                          # print the tables
#   bench/router/conns.sh -readme bench/README.md  # also write the section
#
# Environment: ROUNDS (3), DURATION seconds per wrk run (5), CONNS ("64 256
# 1024"), KEEPALIVE (64: nginx's keepalive and our max-idle-conns-per-node),
# USERS (90), BASE_PORT (18300).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
CONNS=${CONNS:-"64 256 1024"}
KEEPALIVE=${KEEPALIVE:-64}
USERS=${USERS:-90}
BASE=${BASE_PORT:-18300}
README=""
if [ "${1:-}" = "-readme" ]; then README=$2; fi

log() { printf '== %s\n' "$*" >&2; }

install_missing() {
	local missing=()
	command -v wrk >/dev/null || missing+=(wrk)
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
	command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
	command -v openssl >/dev/null || missing+=(openssl)
	command -v ss >/dev/null || missing+=(iproute2)
	command -v bc >/dev/null || missing+=(bc)
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
}
install_missing
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
ulimit -n 20000 2>/dev/null || true

work=$(mktemp -d "${TMPDIR:-/tmp}/router-conns.XXXXXX")
chmod 755 "$work"
pids=()
declare -A backend_pids
cleanup() {
	for p in "${pids[@]}" "${backend_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
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
go build -o "$work/bin/" ./bench/router/backend ./bench/router/sessions ./bench/router/summarize ./examples/router

B=($((BASE + 1)) $((BASE + 2)) $((BASE + 3)))
P_ROUTER=$((BASE + 11)) P_NGINX=$((BASE + 12)) P_HAPROXY=$((BASE + 13)) P_NGINX_IP=$((BASE + 14))
P_ROUTER_TLS=$((BASE + 21)) P_NGINX_TLS=$((BASE + 22))
BACKENDS="127.0.0.1:${B[0]},127.0.0.1:${B[1]},127.0.0.1:${B[2]}"

start_backend() { # index
	local name="node-$1" port=${B[$1]}
	"$work/bin/backend" -addr "127.0.0.1:$port" -name "$name" >/dev/null 2>>"$work/backend.log" &
	backend_pids[$name]=$!
	wait_port "$port"
}
restart_dead_backends() {
	for i in 0 1 2; do
		if ! kill -0 "${backend_pids[node-$i]}" 2>/dev/null; then start_backend "$i"; fi
	done
	sleep 6 # health checks (ours every 5 s, HAProxy's every 1 s) see it back
}
for i in 0 1 2; do start_backend "$i"; done

log "making a certificate"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

start_router() { # name port extra-properties...
	local name=$1 port=$2
	shift 2
	mkdir -p "$work/$name"
	{
		echo "kylin.server.cluster-servers=$BACKENDS"
		echo "kylin.go.router.listen=127.0.0.1:$port"
		echo "kylin.go.router.admin-listen="
		echo "kylin.go.router.policy=round-robin"
		echo "kylin.go.router.session-affinity=true"
		echo "kylin.go.router.route-key=bench"
		echo "kylin.go.router.max-idle-conns-per-node=$KEEPALIVE"
		for kv in "$@"; do echo "$kv"; done
	} >"$work/$name/kylin.properties"
	"$work/bin/router" -conf "$work/$name" >/dev/null 2>"$work/$name/router.log" &
	pids+=($!)
	eval "pid_$name=$!"
	wait_port "$port"
}
start_router router $P_ROUTER
start_router routertls $P_ROUTER_TLS "kylin.go.router.tls-cert=$work/cert.pem" "kylin.go.router.tls-key=$work/key.pem"

mkdir -p "$work/nginx/tmp"
chmod 777 "$work/nginx/tmp"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
worker_rlimit_nofile 20000;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 8192; }
http {
	access_log off;
	client_body_temp_path $work/nginx/tmp/body;
	proxy_temp_path $work/nginx/tmp/proxy;
	fastcgi_temp_path $work/nginx/tmp/fastcgi;
	uwsgi_temp_path $work/nginx/tmp/uwsgi;
	scgi_temp_path $work/nginx/tmp/scgi;
	upstream rr { server 127.0.0.1:${B[0]}; server 127.0.0.1:${B[1]}; server 127.0.0.1:${B[2]}; keepalive $KEEPALIVE; }
	upstream sticky { ip_hash; server 127.0.0.1:${B[0]}; server 127.0.0.1:${B[1]}; server 127.0.0.1:${B[2]}; keepalive $KEEPALIVE; }
	proxy_http_version 1.1;
	proxy_set_header Connection "";
	proxy_next_upstream error timeout;
	server { listen 127.0.0.1:$P_NGINX; location / { proxy_pass http://rr; } }
	server { listen 127.0.0.1:$P_NGINX_IP; location / { proxy_pass http://sticky; } }
	server {
		listen 127.0.0.1:$P_NGINX_TLS ssl;
		ssl_certificate $work/cert.pem;
		ssl_certificate_key $work/key.pem;
		location / { proxy_pass http://rr; }
	}
}
CONF
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/stderr.log" &
pids+=($!)
pid_nginx=$!
wait_port $P_NGINX

cat >"$work/haproxy.cfg" <<CONF
global
	maxconn 9000
defaults
	mode http
	timeout connect 5s
	timeout client 60s
	timeout server 60s
	option redispatch
	retries 2
frontend fe
	bind 127.0.0.1:$P_HAPROXY
	default_backend nodes
backend nodes
	balance roundrobin
	cookie JSESSIONID prefix nocache
	option httpchk GET /kylin/api/health
	server n0 127.0.0.1:${B[0]} cookie n0 check inter 1s
	server n1 127.0.0.1:${B[1]} cookie n1 check inter 1s
	server n2 127.0.0.1:${B[2]} cookie n2 check inter 1s
CONF
"$HAPROXY" -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
pid_haproxy=$!
wait_port $P_HAPROXY

# fds PID: open file descriptors of PID and its children (nginx workers).
fds() {
	local total=0 p
	for p in "$1" $(pgrep -P "$1" || true); do
		total=$((total + $(ls "/proc/$p/fd" 2>/dev/null | wc -l)))
	done
	echo "$total"
}
# node_conns PID: established TCP connections of PID and its children (nginx
# workers) to the nodes' ports.
node_conns() {
	local re p
	re="pid=($(echo "$1" $(pgrep -P "$1" || true) | tr ' ' '|')),"
	ss -Htnp state established "( dport = :${B[0]} or dport = :${B[1]} or dport = :${B[2]} )" | grep -cE "$re" || true
}

# run_wrk samples node connections and fds twice (at 40% and 70% of the
# run: on a loaded machine wrk may still be connecting at the first) and
# keeps the larger of each.
run_wrk() { # out url conns pid
	wrk -t2 -c"$3" -d"$DURATION"s --latency "$2" >"$1" 2>&1 &
	local w=$! n1 f1 n2 f2
	sleep "$(echo "$DURATION * 0.4" | bc)"
	n1=$(node_conns "$4") f1=$(fds "$4")
	sleep "$(echo "$DURATION * 0.3" | bc)"
	n2=$(node_conns "$4") f2=$(fds "$4")
	echo "$((n1 > n2 ? n1 : n2)) $((f1 > f2 ? f1 : f2))" >"$1.conns"
	wait "$w" || true
}

names=(router nginx haproxy)
ports=($P_ROUTER $P_NGINX $P_HAPROXY)
procs=($pid_router $pid_nginx $pid_haproxy)
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
log "warm-up"
for i in 0 1 2; do wrk -t2 -c64 -d1s "http://127.0.0.1:${ports[$i]}/small" >/dev/null 2>&1 || true; done
for round in $(seq 1 "$ROUNDS"); do
	for c in $CONNS; do
		for k in 0 1 2; do
			i=$(((k + round) % 3))
			log "round $round/$ROUNDS c=$c ${names[$i]}"
			run_wrk "$work/results/r$round-c$c-${names[$i]}.txt" "http://127.0.0.1:${ports[$i]}/small" "$c" "${procs[$i]}"
			sleep 1
		done
	done
	for k in 0 1; do
		if [ $(((k + round) % 2)) = 0 ]; then n=routertls p=$P_ROUTER_TLS pid=$pid_routertls; else n=nginxtls p=$P_NGINX_TLS pid=$pid_nginx; fi
		log "round $round/$ROUNDS TLS $n"
		run_wrk "$work/results/r$round-tls-$n.txt" "https://127.0.0.1:$p/small" 64 "$pid"
	done
done

log "sessions"
pidmap() { echo "node-0=${backend_pids[node-0]},node-1=${backend_pids[node-1]},node-2=${backend_pids[node-2]}"; }
for n in router:$P_ROUTER haproxy:$P_HAPROXY nginx-iphash:$P_NGINX_IP nginx-rr:$P_NGINX; do
	restart_dead_backends
	log "sessions through ${n%%:*}"
	"$work/bin/sessions" -url "http://127.0.0.1:${n##*:}" -users "$USERS" -pids "$(pidmap)" \
		>"$work/results/sessions-${n%%:*}.json" 2>"$work/results/sessions-${n%%:*}.err" || true
done
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

args=(-conns -dir "$work/results" -rounds "$ROUNDS" -duration "$DURATION" -clients "$CONNS" -keepalive "$KEEPALIVE"
	-load "$(cut -d' ' -f1-3 /proc/loadavg)")
[ -n "$README" ] && args+=(-readme "$README")
"$work/bin/summarize" "${args[@]}"
