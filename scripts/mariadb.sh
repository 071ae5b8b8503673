#!/usr/bin/env bash
# A private MariaDB server (Debian's mariadb-server) on loopback, for the
# JDBC metastore's integration tests and benchmark.
#
#   scripts/mariadb.sh start  --dir DIR [--port P]
#   scripts/mariadb.sh stop   --dir DIR
#   scripts/mariadb.sh kill   --dir DIR
#   scripts/mariadb.sh status --dir DIR
#
# start  installs mariadb-server with apt-get when it is missing (needs
#        root), initialises a data directory in DIR/data on the first start,
#        runs mariadbd as its own process (never the system service) on a
#        free loopback port and a socket in DIR, waits until it answers, and
#        creates the database `kylin` (CHARACTER SET utf8mb4) and the user
#        kylin (password kylin-test, all privileges: tests create databases
#        of their own). The LAST stdout line is a go-sql-driver/mysql DSN,
#        kylin:kylin-test@tcp(127.0.0.1:PORT)/kylin; everything else goes to
#        stderr. A restart in the same DIR keeps the data and the port.
#        Without --dir a fresh temporary directory is used.
# stop   shuts down exactly the server DIR's start launched (the pid in
#        DIR/mariadb.pid, checked against its command line) with SIGTERM and
#        waits for it to exit (SIGKILL after KYLIN_MARIADB_STOP_TIMEOUT s,
#        default 60). Stopping a stopped server succeeds.
# kill   sends SIGKILL instead (a crash; InnoDB recovers on the next start).
# status prints "running PID DSN" (exit 0) or "stopped" (exit 3).
#
# Environment: KYLIN_MARIADB_START_TIMEOUT (seconds, default 60).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

user=kylin
password=kylin-test
database=kylin

# find_tools sets mariadbd, install_db and admin to the server's programs.
find_tools() {
	mariadbd=$(PATH="$PATH:/usr/sbin:/usr/local/sbin" command -v mariadbd || true)
	install_db=$(command -v mariadb-install-db || true)
	admin=$(command -v mariadb-admin || true)
	client=$(command -v mariadb || true)
	[ -n "$mariadbd" ] && [ -n "$install_db" ] && [ -n "$admin" ] && [ -n "$client" ]
}

ensure_installed() {
	find_tools && return 0
	log "installing Debian's mariadb-server (it starts no service where policy forbids it; where it does, that service is left alone: we run our own process)"
	"$here/apt-install.sh" mariadb-server ||
		die "mariadbd is not installed: install MariaDB server 10.x (Debian: apt-get install mariadb-server)"
	find_tools || die "installing mariadb-server did not provide mariadbd, mariadb-install-db, mariadb-admin and mariadb"
}

# running DIR: true if DIR's recorded process is the mariadbd started for DIR.
running() { alive "$(read_pid "$1/mariadb.pid")" "--datadir=$1/data"; }

# answers SOCK: true if the server on SOCK answers a ping.
answers() { "$admin" --no-defaults --socket="$1" -uroot --connect-timeout=2 ping >/dev/null 2>&1; }

# socket_path prints DIR's socket, or a short one under /tmp when DIR is too
# deep for a Unix socket name (108 bytes).
socket_path() {
	local dir=$1
	if [ ${#dir} -le 90 ]; then
		echo "$dir/mariadb.sock"
	else
		echo "/tmp/kylin-mariadb-$(printf '%s' "$dir" | sha256sum | cut -c1-16).sock"
	fi
}

dsn() { echo "$user:$password@tcp(127.0.0.1:$1)/$database"; }

init_datadir() {
	local dir=$1
	[ -d "$dir/data/mysql" ] && return 0
	local attempt
	# A bootstrap that fails on a busy machine (it was seen once while
	# several servers started at the same time) is retried on a clean
	# directory before the start gives up.
	for attempt in 1 2 3; do
		log "initialising a data directory in $dir/data (attempt $attempt)"
		rm -rf "$dir/data"
		if "$install_db" --no-defaults --user="$(id -un)" --datadir="$dir/data" \
			--auth-root-authentication-method=normal --skip-test-db \
			>"$dir/install.log" 2>&1; then
			return 0
		fi
		log "mariadb-install-db failed; the server's own words:"
		grep -h -i -E 'error|fail|\[ERROR\]' "$dir/install.log" "$dir"/data/*.err 2>/dev/null | tail -n 20 >&2 || true
		sleep 2
	done
	tail -n 30 "$dir/install.log" >&2
	die "mariadb-install-db failed 3 times (log $dir/install.log)"
}

launch() {
	local dir=$1 port=$2 sock=$3
	# setsid: the server must outlive this script and ignore the caller's ^C.
	# A small buffer pool and no performance schema keep it near 100 MB; the
	# packet limit leaves room for Kylin's inline JSON cells.
	setsid "$mariadbd" --no-defaults --user="$(id -un)" --datadir="$dir/data" \
		--socket="$sock" --pid-file="$dir/mariadbd.pid" --port="$port" \
		--bind-address=127.0.0.1 --skip-name-resolve --log-error="$dir/error.log" \
		--innodb-buffer-pool-size=64M --performance-schema=OFF \
		--max-allowed-packet=64M --max-connections=500 \
		</dev/null >>"$dir/mariadbd.out" 2>&1 &
	echo $! >"$dir/mariadb.pid"
}

fail_start() {
	local dir=$1
	shift
	log "$*"
	log "last lines of $dir/error.log:"
	tail -n 40 "$dir/error.log" >&2 || true
	do_stop "$dir" KILL >/dev/null 2>&1 || true
	exit 1
}

# wait_ready pings the server over its socket until it answers, watching
# that the process stays alive.
wait_ready() {
	local dir=$1 sock=$2
	wait_for mariadbd "$(read_pid "$dir/mariadb.pid")" "${KYLIN_MARIADB_START_TIMEOUT:-60}" answers "$sock" ||
		fail_start "$dir" "$wait_error"
}

create_schema() {
	local sock=$1
	"$client" --no-defaults --socket="$sock" -uroot <<EOF
CREATE DATABASE IF NOT EXISTS \`$database\` CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$user'@'%' IDENTIFIED BY '$password';
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO '$user'@'%';
GRANT ALL PRIVILEGES ON *.* TO '$user'@'localhost';
EOF
}

do_start() {
	local dir=$1 opt_port=$2 port sock t0
	ensure_installed
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if running "$dir"; then
		die "MariaDB already running for $dir (pid $(read_pid "$dir/mariadb.pid")); stop it first"
	fi
	sock=$(socket_path "$dir")
	init_datadir "$dir"
	# Ports are chosen and bound under one machine-wide lock so that two
	# starts never pick the same free port.
	port_lock mariadb
	port=$opt_port
	[ -n "$port" ] || port=$(cat "$dir/port" 2>/dev/null || true)
	[ -n "$port" ] || { free_port && port=$picked; }
	check_port "$port" --port
	echo "$port" >"$dir/port"
	t0=$SECONDS
	log "starting mariadbd in $dir (127.0.0.1:$port, socket $sock, log $dir/error.log)"
	launch "$dir" "$port" "$sock"
	wait_ready "$dir" "$sock"
	port_unlock
	create_schema "$sock" || fail_start "$dir" "creating database $database failed"
	log "MariaDB ready after $((SECONDS - t0))s, pid $(read_pid "$dir/mariadb.pid"); stop with: $0 stop --dir $dir"
	dsn "$port"
}

do_kill() { do_stop "$1" KILL; }

# do_stop DIR [SIGNAL]: signal (default TERM) the recorded process and wait.
do_stop() {
	stop_pid "MariaDB in $1" "$1/mariadb.pid" "--datadir=$1/data" "${2:-TERM}" "${KYLIN_MARIADB_STOP_TIMEOUT:-60}"
}

do_status() {
	local dir=$1 pid
	pid=$(read_pid "$dir/mariadb.pid")
	if running "$dir"; then
		echo "running $pid $(dsn "$(cat "$dir/port")")"
		return 0
	fi
	echo "stopped"
	return 3
}

main() {
	[ $# -ge 1 ] || usage
	local cmd=$1 dir="" port=""
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--dir) dir=${2:?--dir needs a directory} && shift 2 ;;
		--port) port=${2:?--port needs a port} && shift 2 ;;
		*) log "unknown argument: $1" && usage ;;
		esac
	done
	case $cmd in
	start)
		[ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/kylin-mariadb.XXXXXX")
		do_start "$dir" "$port"
		;;
	stop | kill | status)
		[ -n "$dir" ] || die "$cmd needs --dir DIR (the directory given to start)"
		dir=$(cd "$dir" 2>/dev/null && pwd) || die "no such directory: $dir"
		"do_$cmd" "$dir"
		;;
	*) usage ;;
	esac
}

main "$@"
