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
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

# cache_dir prints the cache directory for the current pom, sources and
# logging configuration: a change to any of them builds into a new directory.
cache_dir() {
	local version
	version=$(sed -n 's:.*<hadoop.version>\(.*\)</hadoop.version>.*:\1:p' "$src/pom.xml")
	printf '%s/hdfs-%s-%s' "$(cache_root KYLIN_HDFS_CACHE)" "$version" "$(tree_hash "$src" pom.xml src conf)"
}

# fill_cache TMP CACHE resolves the jars and builds the tool jar (build_cache
# runs it once per cache directory).
fill_cache() {
	local tmp=$1 cache=$2
	cp -r "$src/pom.xml" "$src/src" "$tmp/" || return 1
	log "fetching Hadoop jars with Maven into $cache (first start only)"
	# A Maven repository of its own: scripts/hbase.sh may be filling
	# ~/.m2 at the same moment, and Maven does not lock it.
	(cd "$tmp" && mvn -B -q -Dstyle.color=never "-Dmaven.repo.local=$(dirname "$cache")/m2-hdfs" package >&2) || return 1
	mv "$tmp/target/lib" "$tmp/target/kylin-hdfs-tools.jar" "$cache/" && cp -r "$src/conf" "$cache/"
}

# running DIR: true if DIR's recorded process is the cluster started for DIR.
running() { alive "$(read_pid "$1/hdfs.pid")" "-Dkylin.hdfs.dir=$1"; }

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
	local dir=$1
	wait_for HDFS "$(read_pid "$dir/hdfs.pid")" "${KYLIN_HDFS_START_TIMEOUT:-180}" test -f "$dir/data/ready" ||
		fail_start "$dir" "$wait_error"
}

do_start() {
	local dir=$1 cache port
	ensure_jdk_maven
	mkdir -p "$dir/data"
	dir=$(cd "$dir" && pwd)
	if running "$dir"; then
		die "HDFS already running for $dir (pid $(read_pid "$dir/hdfs.pid")); stop it first"
	fi
	cache=$(cache_dir)
	build_cache "$cache" fill_cache
	port=$opt_port
	if [ -z "$port" ] && [ -f "$dir/port" ]; then port=$(cat "$dir/port"); fi
	port=${port:-0}
	[ "$port" = 0 ] || check_port "$port" --nn-port
	local t0
	t0=$(date +%s)
	log "starting HDFS in $dir (log $dir/hdfs.log)"
	launch "$dir" "$cache" "$port"
	wait_ready "$dir"
	local addr
	addr=$(sed -n 1p "$dir/data/ready")
	echo "${addr##*:}" >"$dir/port"
	log "HDFS ready after $(($(date +%s) - t0))s, pid $(read_pid "$dir/hdfs.pid"); stop with: $0 stop --dir $dir"
	echo "$addr"
}

# do_stop DIR [SIGNAL]: signal (default TERM) the recorded process and wait.
do_stop() {
	stop_pid "HDFS in $1" "$1/hdfs.pid" "-Dkylin.hdfs.dir=$1" "${2:-TERM}" "${KYLIN_HDFS_STOP_TIMEOUT:-60}"
	rm -f "$1/data/ready"
}

do_status() {
	local dir=$1 pid
	pid=$(read_pid "$dir/hdfs.pid")
	if running "$dir" && [ -f "$dir/data/ready" ]; then
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
	running "$dir" && [ -f "$dir/data/ready" ] || die "HDFS in $dir is not running"
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
	build_cache "$cache" fill_cache
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
