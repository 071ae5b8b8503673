#!/usr/bin/env bash
# Start, stop and inspect real ZooKeeper servers (Debian's zookeeper package)
# for tests, benchmarks and demos.
#
#   zookeeper.sh start [1|3] [--dir DIR] [--addrs h1[:port],h2[:port],h3[:port]]
#   zookeeper.sh stop --dir DIR
#   zookeeper.sh status --dir DIR
#
# start installs the package when it is missing (apt-get; needs root), writes
# one data directory and config per server under DIR (a fresh temporary
# directory when --dir is not given), starts the servers and waits until
# every one of them serves. Without --addrs the servers listen on free
# loopback ports chosen under a lock so that parallel starts never collide
# (never 2181, never 16000-16030: standalone HBase runs its own ZooKeeper).
# With --addrs each server listens on the given host (client port 2281
# unless given; quorum and election ports are the client port + 1000 and
# + 2000), which is how tests place an ensemble in a network namespace.
#
# The LAST line on stdout is the connect string; everything else goes to
# stderr. stop ends exactly the processes that DIR's start started (pid
# files, checked against the process command line) and waits for them to
# exit. DIR/sN/run.sh restarts server N alone (tests use it after a kill).
#
# Environment: ZK_TICK_MS (default 200; sessions may then be as short as
# 2 ticks), ZK_HEAP (default 256m), ZK_MAX_SESSION_MS (default 120000; the
# longest session the server grants, which caps clients such as Kylin's
# that ask for 120 s).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

zk_jar=/usr/share/java/zookeeper.jar

usage() {
	cat >&2 <<'EOF'
usage: zookeeper.sh start [1|3] [--dir DIR] [--addrs h1[:port],h2[:port],h3[:port]]
       zookeeper.sh stop --dir DIR
       zookeeper.sh status --dir DIR
EOF
	exit 2
}

ensure_installed() {
	if [ -f "$zk_jar" ] && command -v java >/dev/null 2>&1; then
		return
	fi
	log "installing Debian's zookeeper package"
	[ "$(id -u)" = 0 ] || die "zookeeper is not installed and installing it needs root: apt-get install zookeeper"
	"$here/apt-install.sh" zookeeper
	[ -f "$zk_jar" ] || die "apt-get install zookeeper did not provide $zk_jar"
}

# fourlw HOST PORT WORD prints the server's answer to a four-letter word.
fourlw() {
	local out
	out=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "%s" "$3" >&3 && cat <&3' _ "$1" "$2" "$3" 2>/dev/null) || true
	printf '%s' "$out"
}

write_config() {
	local dir=$1 id=$2 host=$3 port=$4 n=$5
	local sd="$dir/s$id"
	local cp=$zk_jar
	# slf4j-simple (from libslf4j-java, a dependency) turns the server's log on.
	[ -f /usr/share/java/slf4j-simple.jar ] && cp="$cp:/usr/share/java/slf4j-simple.jar"
	mkdir -p "$sd/data"
	[ "$n" -gt 1 ] && echo "$id" >"$sd/data/myid"
	{
		echo "tickTime=${ZK_TICK_MS:-200}"
		echo "initLimit=20"
		echo "syncLimit=10"
		echo "minSessionTimeout=$((2 * ${ZK_TICK_MS:-200}))"
		echo "maxSessionTimeout=${ZK_MAX_SESSION_MS:-120000}"
		echo "dataDir=$sd/data"
		echo "clientPort=$port"
		echo "clientPortAddress=$host"
		echo "maxClientCnxns=0"
		echo "admin.enableServer=false"
		echo "4lw.commands.whitelist=srvr,ruok,stat,mntr,conf,cons"
		echo "autopurge.purgeInterval=0"
		[ "$n" -gt 1 ] && cat "$dir/servers.cfg"
	} >"$sd/zoo.cfg"
	cat >"$sd/run.sh" <<EOF
#!/usr/bin/env bash
# Starts server $id of this ensemble in the background and records its pid.
cd "$sd"
nohup java -Xmx${ZK_HEAP:-256m} -Xms32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \\
	-Dzookeeper.admin.enableServer=false -Dkylin.zk.dir="$sd" \\
	-Dorg.slf4j.simpleLogger.showDateTime=true -cp "$cp" org.apache.zookeeper.server.quorum.QuorumPeerMain "$sd/zoo.cfg" \\
	>>"$sd/zk.log" 2>&1 </dev/null 9>&- &
echo \$! >"$sd/pid"
EOF
	chmod +x "$sd/run.sh"
	echo "$id $host $port" >>"$dir/servers"
}

wait_serving() {
	local host=$1 port=$2 deadline=$((SECONDS + 60))
	while [ $SECONDS -lt $deadline ]; do
		case "$(fourlw "$host" "$port" srvr)" in *Mode:*) return 0 ;; esac
		sleep 0.2
	done
	return 1
}

cmd_start() {
	local n=1 dir="" addrs=""
	while [ $# -gt 0 ]; do
		case "$1" in
		1 | 3) n=$1 ;;
		--dir) dir=${2:?--dir needs a directory}; shift ;;
		--addrs) addrs=${2:?--addrs needs a list}; shift ;;
		*) usage ;;
		esac
		shift
	done
	ensure_installed
	[ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/kylin-zk.XXXXXX")
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[ -e "$dir/servers" ] && die "$dir already holds servers; stop them first (zookeeper.sh stop --dir $dir)"

	local -a hosts=() ports=()
	if [ -n "$addrs" ]; then
		IFS=, read -r -a list <<<"$addrs"
		[ "${#list[@]}" -eq "$n" ] || die "--addrs lists ${#list[@]} addresses for $n servers; give exactly $n"
		for a in "${list[@]}"; do
			hosts+=("${a%%:*}")
			if [[ "$a" == *:* ]]; then ports+=("${a##*:}"); else ports+=(2281); fi
		done
	fi

	# Ports are chosen and bound under one machine-wide lock so that two
	# starts never pick the same free port.
	port_lock zookeeper
	local i quorum_port
	: >"$dir/servers.cfg"
	for ((i = 1; i <= n; i++)); do
		if [ -z "$addrs" ]; then
			hosts+=(127.0.0.1)
			free_port && ports+=("$picked")
			if [ "$n" -gt 1 ]; then
				free_port && quorum_port=$picked
				free_port && echo "server.$i=127.0.0.1:$quorum_port:$picked" >>"$dir/servers.cfg"
			fi
		else
			[ "$n" -gt 1 ] && echo "server.$i=${hosts[i - 1]}:$((ports[i - 1] + 1000)):$((ports[i - 1] + 2000))" >>"$dir/servers.cfg"
		fi
	done
	for ((i = 1; i <= n; i++)); do
		write_config "$dir" "$i" "${hosts[i - 1]}" "${ports[i - 1]}" "$n"
		"$dir/s$i/run.sh"
		log "server $i: ${hosts[i - 1]}:${ports[i - 1]} pid $(cat "$dir/s$i/pid") (log $dir/s$i/zk.log)"
	done
	for ((i = 1; i <= n; i++)); do
		if ! wait_serving "${hosts[i - 1]}" "${ports[i - 1]}"; then
			log "server $i did not start serving within 60 s; its log:"
			tail -n 40 "$dir/s$i/zk.log" >&2 || true
			cmd_stop --dir "$dir"
			exit 1
		fi
	done
	port_unlock
	local cs=""
	for ((i = 1; i <= n; i++)); do cs="$cs${cs:+,}${hosts[i - 1]}:${ports[i - 1]}"; done
	echo "$cs" >"$dir/connect"
	log "serving; stop with: $0 stop --dir $dir"
	echo "$cs"
}

# ours PID SD succeeds when PID is still the java process started for SD.
ours() { alive "$1" "-Dkylin.zk.dir=$2"; }

cmd_stop() {
	local dir=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--dir) dir=${2:?--dir needs a directory}; shift ;;
		*) usage ;;
		esac
		shift
	done
	[ -n "$dir" ] || die "stop needs --dir DIR (the directory start used)"
	[ -f "$dir/servers" ] || { log "nothing started in $dir"; return 0; }
	dir=$(cd "$dir" && pwd)
	local id host port pid
	local -a pids=()
	while read -r id host port; do
		pid=$(cat "$dir/s$id/pid" 2>/dev/null || true)
		if [ -n "$pid" ] && ours "$pid" "$dir/s$id"; then
			kill -CONT "$pid" 2>/dev/null || true # a frozen server cannot exit
			kill -TERM "$pid" 2>/dev/null || true
			pids+=("$pid:$dir/s$id")
		fi
	done <"$dir/servers"
	local deadline=$((SECONDS + 15)) p
	for p in "${pids[@]}"; do
		while ours "${p%%:*}" "${p#*:}"; do
			if [ $SECONDS -ge $deadline ]; then
				kill -KILL "${p%%:*}" 2>/dev/null || true
			fi
			sleep 0.1
		done
	done
	rm -f "$dir"/s*/pid "$dir/servers" "$dir/servers.cfg" "$dir/connect"
	log "stopped ${#pids[@]} server(s) of $dir"
}

cmd_status() {
	local dir=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--dir) dir=${2:?--dir needs a directory}; shift ;;
		*) usage ;;
		esac
		shift
	done
	[ -n "$dir" ] || die "status needs --dir DIR"
	[ -f "$dir/servers" ] || die "nothing started in $dir"
	local id host port mode bad=0
	while read -r id host port; do
		mode=$(fourlw "$host" "$port" srvr | sed -n 's/^Mode: //p')
		[ -n "$mode" ] || { mode=down; bad=1; }
		echo "server $id $host:$port $mode"
	done <"$dir/servers"
	cat "$dir/connect"
	return $bad
}

case "${1:-}" in
start) shift; cmd_start "$@" ;;
stop) shift; cmd_stop "$@" ;;
status) shift; cmd_status "$@" ;;
*) usage ;;
esac
