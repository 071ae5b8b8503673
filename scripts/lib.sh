# shellcheck shell=bash
# The sourcing script sets `here`; its callers read `picked` and `wait_error`.
# shellcheck disable=SC2034,SC2154
# Shared by the server scripts (hbase.sh, hdfs.sh, mariadb.sh, zookeeper.sh)
# and kylin-jars.sh: sourced, never run. It holds what they all do the same
# way: messages, installing Java and Maven, the build cache, loopback ports,
# pid files, waiting for a start and stopping by pid.
#
# A script sets `here` (its own directory) and sources this file:
#
#   here=$(cd "$(dirname "$0")" && pwd)
#   . "$here/lib.sh"

prog=${0##*/}

# log writes "SCRIPT: message" to stderr; die logs and exits 1.
log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() {
	log "$*"
	exit 1
}

# usage prints the script's header comment (its first comment block) and
# exits 2.
usage() {
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
	exit 2
}

# ensure_jdk_maven [COMMAND]...: installs JDK 17 and Maven from Debian
# (scripts/apt-install.sh waits for apt's locks: make test starts several
# servers at once) unless java, mvn and every COMMAND are on the PATH.
# shellcheck disable=SC2120 # its arguments are optional
ensure_jdk_maven() {
	local c missing=""
	for c in java mvn "$@"; do command -v "$c" >/dev/null || missing=1; done
	[ -z "$missing" ] && return 0
	log "installing JDK 17 and Maven with apt-get"
	"$here/apt-install.sh" openjdk-17-jdk-headless maven ||
		die "java, mvn${*:+ and $*} are required (install JDK 17 and Maven)"
}

# cache_root VAR prints the directory builds are cached under: $VAR when
# set, else ~/.cache/kylin-go (XDG_CACHE_HOME honoured).
cache_root() {
	printf '%s' "${!1:-${XDG_CACHE_HOME:-$HOME/.cache}/kylin-go}"
}

# tree_hash DIR PATH... prints a short hash of the files under the PATHs
# of DIR: a change to any of them names a new cache directory.
tree_hash() {
	local dir=$1
	shift
	(cd "$dir" && find "$@" -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-12)
}

# build_cache CACHE FILL: runs `FILL TMP CACHE` once per CACHE, under a lock
# so that parallel starts do not build it twice. FILL builds in the fresh
# directory TMP and moves what it keeps into CACHE (created empty); when it
# fails, CACHE is left unfinished and the script exits. CACHE/ok marks a
# finished build.
build_cache() {
	local cache=$1 fill=$2 tmp
	[ -f "$cache/ok" ] && return 0
	mkdir -p "$(dirname "$cache")"
	exec 9>"$cache.lock"
	flock 9
	if [ ! -f "$cache/ok" ]; then
		tmp=$(mktemp -d "$cache.build.XXXXXX")
		rm -rf "$cache"
		mkdir -p "$cache"
		if ! "$fill" "$tmp" "$cache"; then
			rm -rf "$tmp"
			die "building $cache failed (see the output above)"
		fi
		rm -rf "$tmp"
		touch "$cache/ok"
	fi
	flock -u 9
	exec 9>&-
}

# read_pid FILE prints the pid recorded in FILE, or nothing.
read_pid() { cat "$1" 2>/dev/null || true; }

# alive PID ARG: true if PID runs and has ARG as one of its command-line
# arguments (the mark of the process a start launched for its directory).
alive() {
	local pid=$1 arg=$2
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$arg"
}

# port_in_use P: true if something on 127.0.0.1 listens on port P.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# port_held P: true if a socket (any state) has port P as its local port.
port_held() { command -v ss >/dev/null && [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]; }

# free_port sets `picked` to a loopback port no socket uses, outside the
# kernel's ephemeral range (so outgoing connections do not take it
# meanwhile), away from the ports HBase and a default ZooKeeper use, and
# not one this script picked before (`taken`; so call it directly, not in
# $(...), whose changes are lost). Call it under port_lock.
taken="" picked=""
free_port() {
	local p tries=0
	while [ $tries -lt 200 ]; do
		p=$((20000 + RANDOM % 12000))
		tries=$((tries + 1))
		case " $taken " in *" $p "*) continue ;; esac
		if [ "$p" -ge 16000 ] && [ "$p" -le 16030 ]; then continue; fi
		port_in_use "$p" && continue
		port_held "$p" && continue
		taken="$taken $p"
		picked=$p
		return
	done
	die "no free loopback port found after 200 tries"
}

# port_lock NAME takes the machine-wide lock NAME's starts choose ports
# under (a fixed path, whatever TMPDIR), held until port_unlock: choosing
# a free port and binding it must not interleave with another start.
port_lock() {
	exec 9>"/tmp/kylin-$1-ports.lock"
	flock 9
}

port_unlock() {
	flock -u 9
	exec 9>&-
}

# check_port P FLAG dies unless P is a port number 1024-65535 that nothing
# on 127.0.0.1 uses; FLAG names the option that sets it.
check_port() {
	local p=$1 flag=$2
	case $p in
	'' | *[!0-9]*) die "port '$p' is not a number: pass $flag as an integer" ;;
	esac
	if [ "$p" -lt 1024 ] || [ "$p" -gt 65535 ]; then die "port $p out of range 1024-65535"; fi
	if port_in_use "$p"; then
		die "port $p on 127.0.0.1 is in use; choose another $flag or omit it"
	fi
}

# wait_for WHAT PID LIMIT CHECK...: runs CHECK every 0.3 s until it succeeds
# while the started process PID lives. On failure it sets wait_error to why
# ("WHAT exited during startup", "WHAT not ready after LIMITs") and returns
# 1. kill -0, not alive: until setsid has exec'd, the child's command line
# is still the script's, and a loaded machine can take a while to get
# there; the child is ours, so its pid cannot have been reused.
wait_for() {
	local what=$1 pid=$2 limit=$3 deadline
	shift 3
	deadline=$((SECONDS + limit))
	until "$@"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait_error="$what exited during startup"
			return 1
		fi
		if [ $SECONDS -ge $deadline ]; then
			wait_error="$what not ready after ${limit}s"
			return 1
		fi
		sleep 0.3
	done
}

# stop_pid WHAT PIDFILE ARG SIGNAL BOUND: sends SIGNAL to the process
# recorded in PIDFILE if it is still the one started (alive PID ARG), waits
# for it to exit (SIGKILL after BOUND seconds) and removes PIDFILE. A
# process that is not running is success.
stop_pid() {
	local what=$1 pidfile=$2 arg=$3 sig=$4 bound=$5 pid i
	pid=$(read_pid "$pidfile")
	if ! alive "$pid" "$arg"; then
		rm -f "$pidfile"
		log "$what is not running"
		return 0
	fi
	log "stopping $what pid $pid (SIG$sig)"
	kill -CONT "$pid" 2>/dev/null || true # a frozen server cannot exit
	kill -"$sig" "$pid"
	for ((i = 0; i < bound * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "$what pid $pid still running after ${bound}s; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	rm -f "$pidfile"
	log "stopped"
}
