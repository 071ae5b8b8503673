#!/usr/bin/env bash
# A NameNode and a DataNode (Hadoop's MiniDFSCluster, one JVM) on loopback,
# for kylin-go's integration tests and benchmark.
#
#   scripts/hdfs.sh start  [--dir DIR] [--nn-port P]
#   scripts/hdfs.sh stop   --dir DIR
#   scripts/hdfs.sh kill   --dir DIR
#   scripts/hdfs.sh status --dir DIR
#   scripts/hdfs.sh ctl    --dir DIR stop-datanode|start-datanode|stop-namenode|start-namenode
#   scripts/hdfs.sh java   --dir DIR CLASS [ARG]...
#
# start  fetches Hadoop's jars with Maven once (cached under
#        ${KYLIN_HDFS_CACHE:-~/.cache/kylin-go}/hdfs-VERSION-HASH, with a
#        Maven repository of its own beside it, m2-hdfs), starts the
#        cluster with its data in DIR/data and waits until it is active (at
#        most KYLIN_HDFS_START_TIMEOUT seconds, default 180; on failure it
#        prints the tail of the log, DIR/hdfs.log). The LAST stdout line is the
#        NameNode's address, 127.0.0.1:PORT; everything else goes to stderr.
#        Without --dir a fresh temporary directory is used. The NameNode port
#        is --nn-port, else the port of the previous start in DIR, else a free
#        loopback port below the ephemeral range. Data survives stop/start.
#        The root directory is world-writable. Client leases expire after
#        4 s without renewal (Hadoop's default: 60 s), so a killed writer's
#        open files and lease locks free quickly.
# stop   sends SIGTERM to exactly the process start recorded in DIR/hdfs.pid
#        and waits for it to exit (SIGKILL after KYLIN_HDFS_STOP_TIMEOUT s,
#        default 60). Stopping a stopped instance succeeds.
# kill   sends SIGKILL instead and waits.
# status prints "running PID 127.0.0.1:PORT" (exit 0) or "stopped" (exit 3).
# ctl    stops or restarts the DataNode or the NameNode inside the running
#        cluster (same ports, same data); start-* return once the cluster is
#        active again.
# java   runs CLASS from the tools jar or Hadoop's jars with Hadoop's client
#        on the class path (DIR is not used).
#
# Needs Java 17 and Maven; on Debian the script installs them when missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src="$here/hdfs"

log() { printf 'hdfs.sh: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

usage() {
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
	exit 2
}

# ensure_tools installs Java 17 and Maven from Debian when they are missing
# (scripts/apt-install.sh waits for apt's locks: make test starts several
# servers at once).
ensure_tools() {
	command -v java >/dev/null && command -v mvn >/dev/null && return 0
	log "installing JDK 17 and Maven with apt-get"
	"$here/apt-install.sh" openjdk-17-jdk-headless maven || die "java and mvn are required (install JDK 17 and Maven)"
}

# cache_dir prints the cache directory for the current pom, sources and
# logging configuration: a change to any of them builds into a new directory.
cache_dir() {
	local version hash
	version=$(sed -n 's:.*<hadoop.version>\(.*\)</hadoop.version>.*:\1:p' "$src/pom.xml")
	hash=$(cd "$src" && find pom.xml src conf -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-12)
	printf '%s/hdfs-%s-%s' "${KYLIN_HDFS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kylin-go}" "$version" "$hash"
}

# build resolves the jars and builds the tool jar into the cache, once; a lock
# keeps parallel starts from building the same cache twice.
build() {
	local cache=$1
	[ -f "$cache/ok" ] && return 0
	mkdir -p "$(dirname "$cache")"
	exec 9>"$cache.lock"
	flock 9
	if [ ! -f "$cache/ok" ]; then
		local tmp
		tmp=$(mktemp -d "$cache.build.XXXXXX")
		cp -r "$src/pom.xml" "$src/src" "$tmp/"
		log "fetching Hadoop jars with Maven into $cache (first start only)"
		# A Maven repository of its own: scripts/hbase.sh may be filling
		# ~/.m2 at the same moment, and Maven does not lock it.
		if ! (cd "$tmp" && mvn -B -q -Dstyle.color=never "-Dmaven.repo.local=$(dirname "$cache")/m2-hdfs" package >&2); then
			rm -rf "$tmp"
			die "mvn package failed in $src (see the Maven output above)"
		fi
		rm -rf "$cache"
		mkdir -p "$cache"
		mv "$tmp/target/lib" "$tmp/target/kylin-hdfs-tools.jar" "$cache/"
		cp -r "$src/conf" "$cache/"
		rm -rf "$tmp"
		touch "$cache/ok"
	fi
	flock -u 9
	exec 9>&-
}

# alive PID DIR: true if PID is running and is the cluster started for DIR.
alive() {
	local pid=$1 dir=$2
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "-Dkylin.hdfs.dir=$dir"
}

read_pid() { cat "$1/hdfs.pid" 2>/dev/null || true; }

# jvm_flags size the JVM for a 2-core machine shared with other servers.
jvm_flags=(-Xms64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true)

launch() {
	local dir=$1 cache=$2 port=$3
	rm -f "$dir/data/ready"
	# setsid: the cluster must outlive this script and ignore the caller's ^C.
	setsid java "${jvm_flags[@]}" -Xmx"${KYLIN_HDFS_HEAP:-512m}" \
		"-Dkylin.hdfs.dir=$dir" \
		"-Dlog4j.configuration=file:$cache/conf/log4j.properties" \
		-cp "$cache/kylin-hdfs-tools.jar:$cache/lib/*" kylingo.hdfs.Cluster "$dir/data" "$port" \
		</dev/null >>"$dir/hdfs.log" 2>&1 &
	echo $! >"$dir/hdfs.pid"
}

fail_start() {
	local dir=$1
	shift
	log "$*"
	log "last lines of $dir/hdfs.log:"
	tail -n 40 "$dir/hdfs.log" >&2 || true
	do_stop "$dir" KILL >/dev/null 2>&1 || true
	exit 1
}

# wait_ready waits for DIR/data/ready, written by the launcher once the
# cluster is active, while watching that the JVM stays alive.
wait_ready() {
	local dir=$1 limit=${KYLIN_HDFS_START_TIMEOUT:-180} pid deadline
	deadline=$(($(date +%s) + limit))
	pid=$(read_pid "$dir")
	until [ -f "$dir/data/ready" ]; do
		alive "$pid" "$dir" || fail_start "$dir" "HDFS exited during startup"
		[ "$(date +%s)" -lt "$deadline" ] || fail_start "$dir" "HDFS not active after ${limit}s"
		sleep 0.3
	done
}

do_start() {
	local dir=$1 cache port
	ensure_tools
	mkdir -p "$dir/data"
	dir=$(cd "$dir" && pwd)
	if alive "$(read_pid "$dir")" "$dir"; then
		die "HDFS already running for $dir (pid $(read_pid "$dir")); stop it first"
	fi
	cache=$(cache_dir)
	build "$cache"
	port=$opt_port
	if [ -z "$port" ] && [ -f "$dir/port" ]; then port=$(cat "$dir/port"); fi
	port=${port:-0}
	case $port in
	'' | *[!0-9]*) die "port '$port' is not a number: pass --nn-port as an integer" ;;
	esac
	if [ "$port" -ne 0 ]; then
		[ "$port" -ge 1024 ] && [ "$port" -le 65535 ] || die "port $port out of range 1024-65535"
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			die "port $port on 127.0.0.1 is in use; choose another --nn-port or omit it"
		fi
	fi
	local t0
	t0=$(date +%s)
	log "starting HDFS in $dir (log $dir/hdfs.log)"
	launch "$dir" "$cache" "$port"
	wait_ready "$dir"
	local addr
	addr=$(sed -n 1p "$dir/data/ready")
	echo "${addr##*:}" >"$dir/port"
	log "HDFS ready after $(($(date +%s) - t0))s, pid $(read_pid "$dir"); stop with: $0 stop --dir $dir"
	echo "$addr"
}

# do_stop DIR [SIGNAL]: signal (default TERM) the recorded process and wait.
do_stop() {
	local dir=$1 sig=${2:-TERM} pid bound=${KYLIN_HDFS_STOP_TIMEOUT:-60} i
	pid=$(read_pid "$dir")
	if ! alive "$pid" "$dir"; then
		rm -f "$dir/hdfs.pid"
		log "HDFS in $dir is not running"
		return 0
	fi
	log "stopping HDFS pid $pid (SIG$sig)"
	kill -"$sig" "$pid"
	for ((i = 0; i < bound * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "HDFS pid $pid still running after ${bound}s; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	rm -f "$dir/hdfs.pid" "$dir/data/ready"
	log "stopped"
}

do_status() {
	local dir=$1 pid
	pid=$(read_pid "$dir")
	if alive "$pid" "$dir" && [ -f "$dir/data/ready" ]; then
		echo "running $pid $(sed -n 1p "$dir/data/ready")"
		return 0
	fi
	echo "stopped"
	return 3
}

# do_ctl DIR COMMAND sends COMMAND to the launcher's control port and fails
# unless it answers "ok".
do_ctl() {
	local dir=$1 cmd=${2:-} ctl reply
	case $cmd in
	stop-datanode | start-datanode | stop-namenode | start-namenode) ;;
	*) die "ctl needs one of stop-datanode, start-datanode, stop-namenode, start-namenode (got '$cmd')" ;;
	esac
	alive "$(read_pid "$dir")" "$dir" && [ -f "$dir/data/ready" ] || die "HDFS in $dir is not running"
	ctl=$(sed -n 2p "$dir/data/ready")
	exec 3<>"/dev/tcp/127.0.0.1/$ctl" || die "cannot reach the control port $ctl"
	printf '%s\n' "$cmd" >&3
	IFS= read -r reply <&3 || reply="error no answer"
	exec 3>&-
	[ "$reply" = ok ] || die "$cmd: $reply (see $dir/hdfs.log)"
	log "$cmd: ok"
}

do_java() {
	local dir=$1 cache
	shift
	[ $# -ge 1 ] || die "java needs a class name"
	cache=$(cache_dir)
	build "$cache"
	java "${jvm_flags[@]}" -Xmx"${KYLIN_HDFS_CLIENT_HEAP:-512m}" \
		"-Dlog4j.configuration=file:$cache/conf/log4j.properties" \
		-cp "$cache/kylin-hdfs-tools.jar:$cache/lib/*" "$@"
}

main() {
	[ $# -ge 1 ] || usage
	local cmd=$1 dir=""
	shift
	opt_port=""
	local rest=()
	while [ $# -gt 0 ]; do
		case $1 in
		--dir) dir=${2:?--dir needs a directory} && shift 2 ;;
		--nn-port) opt_port=${2:?--nn-port needs a port} && shift 2 ;;
		*)
			case $cmd in ctl | java) ;; *) log "unknown argument: $1" && usage ;; esac
			rest+=("$1") && shift
			;;
		esac
	done
	case $cmd in
	start)
		[ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/kylin-hdfs.XXXXXX")
		do_start "$dir"
		;;
	stop | kill | status | ctl | java)
		[ -n "$dir" ] || die "$cmd needs --dir DIR (the directory given to start)"
		dir=$(cd "$dir" 2>/dev/null && pwd) || die "no such directory: $dir"
		case $cmd in
		kill) do_stop "$dir" KILL ;;
		ctl | java) "do_$cmd" "$dir" "${rest[@]}" ;;
		*) "do_$cmd" "$dir" ;;
		esac
		;;
	*) usage ;;
	esac
}

main "$@"
