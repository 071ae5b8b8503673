#!/usr/bin/env bash
# Standalone HBase (one JVM: ZooKeeper + master + region server) on loopback,
# for kylin-go's integration tests and benchmark.
#
#   scripts/hbase.sh start  [--dir DIR] [--zk-port P] [--master-port P] [--rs-port P]
#                           [--site NAME=VALUE]...
#   scripts/hbase.sh stop   --dir DIR
#   scripts/hbase.sh kill   --dir DIR
#   scripts/hbase.sh status --dir DIR
#   scripts/hbase.sh admin  --dir DIR probe TABLE | put TABLE ROW VALUE | get TABLE ROW
#
# start  fetches HBase's jars with Maven once (cached under
#        ${KYLIN_HBASE_CACHE:-~/.cache/kylin-go}/hbase-VERSION-HASH), writes the
#        configuration into DIR/conf, starts HBase and waits until a table can
#        be created and dropped (at most KYLIN_HBASE_START_TIMEOUT seconds,
#        default 180; on failure it prints the tail of HBase's log). The LAST
#        stdout line is HBase's ZooKeeper address, 127.0.0.1:PORT; everything
#        else goes to stderr. Without --dir a fresh temporary directory is used.
#        Ports default to free loopback ports chosen by the kernel, or to the
#        ports of the previous start in the same DIR, so a restart keeps them.
#        Data (DIR/data) survives stop/start; a new DIR is a new cluster.
#        --site adds a property to hbase-site.xml (repeatable; the benchmark
#        uses it to turn off region splits).
# stop   sends SIGTERM to exactly the process start recorded in DIR/hbase.pid
#        and waits for it to exit (SIGKILL after KYLIN_HBASE_STOP_TIMEOUT s,
#        default 60). Stopping a stopped instance succeeds.
# kill   sends SIGKILL instead (a crash: no flush, no znode cleanup) and waits.
# status prints "running PID 127.0.0.1:PORT" (exit 0) or "stopped" (exit 3).
# admin  runs the Java admin tool (HBase's own client) against the running
#        instance: probe creates and drops TABLE; put writes f:c of ROW
#        (creating TABLE with family f if missing); get prints f:c of ROW
#        (exit 3 if the row is absent).
#
# Needs Java 17 and Maven; on Debian the script installs them when missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src="$here/hbase"
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

# cache_dir prints the cache directory for the current pom and sources: a
# change to either builds into a new directory.
cache_dir() {
	local version
	version=$(sed -n 's:.*<hbase.version>\(.*\)</hbase.version>.*:\1:p' "$src/pom.xml")
	printf '%s/hbase-%s-%s' "$(cache_root KYLIN_HBASE_CACHE)" "$version" "$(tree_hash "$src" pom.xml src)"
}

# fill_cache TMP CACHE resolves the jars and builds the tool jar (build_cache
# runs it once per cache directory).
fill_cache() {
	local tmp=$1 cache=$2
	cp -r "$src/pom.xml" "$src/src" "$tmp/" || return 1
	log "fetching HBase jars with Maven into $cache (first start only)"
	(cd "$tmp" && mvn -B -q -Dstyle.color=never package >&2) || return 1
	mv "$tmp/target/lib" "$tmp/target/kylin-hbase-tools.jar" "$cache/"
}

# running DIR: true if DIR's recorded process is the HBase started for DIR.
running() { alive "$(read_pid "$1/hbase.pid")" "-Dkylin.hbase.dir=$1"; }

# choose_ports fills zk_port/master_port/rs_port: flags first, then the ports
# of the previous start in DIR, then free ports from the kernel.
choose_ports() {
	local dir=$1 cache=$2
	if [ -f "$dir/ports" ]; then
		# shellcheck disable=SC1091
		. "$dir/ports"
		zk_port=${opt_zk:-$prev_zk} master_port=${opt_master:-$prev_master} rs_port=${opt_rs:-$prev_rs}
	else
		zk_port=$opt_zk master_port=$opt_master rs_port=$opt_rs
	fi
	if [ -z "$zk_port" ] || [ -z "$master_port" ] || [ -z "$rs_port" ]; then
		local free
		mapfile -t free < <(java -cp "$cache/kylin-hbase-tools.jar" kylingo.hbase.FreePorts 3)
		[ "${#free[@]}" -eq 3 ] || die "could not find free loopback ports"
		zk_port=${zk_port:-${free[0]}} master_port=${master_port:-${free[1]}} rs_port=${rs_port:-${free[2]}}
	fi
	for p in "$zk_port" "$master_port" "$rs_port"; do
		[ "$p" != 2181 ] || die "port 2181 belongs to the Debian ZooKeeper; choose another --zk-port"
		check_port "$p" --zk-port/--master-port/--rs-port
	done
	printf 'prev_zk=%s\nprev_master=%s\nprev_rs=%s\n' "$zk_port" "$master_port" "$rs_port" >"$dir/ports"
}

write_conf() {
	local dir=$1
	mkdir -p "$dir/conf" "$dir/data" "$dir/logs"
	local s="s|@DATA@|$dir/data|g;s|@ZK_PORT@|$zk_port|g;s|@MASTER_PORT@|$master_port|g;s|@RS_PORT@|$rs_port|g"
	sed "$s" "$src/conf/hbase-site.xml.in" >"$dir/conf/hbase-site.xml.tmp"
	local extra="" kv
	for kv in "${site_props[@]}"; do
		extra+="  <property><name>${kv%%=*}</name><value>${kv#*=}</value></property>"$'\n'
	done
	awk -v extra="$extra" '/<\/configuration>/ { printf "%s", extra } { print }' \
		"$dir/conf/hbase-site.xml.tmp" >"$dir/conf/hbase-site.xml"
	rm "$dir/conf/hbase-site.xml.tmp"
	sed "$s" "$src/conf/log4j2.properties.in" >"$dir/conf/log4j2.properties"
	cp "$src/conf/log4j2-client.properties" "$dir/conf/"
}

# java_opens are the module flags HBase needs on JDK 17.
java_opens=(
	--add-modules jdk.unsupported
	--add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
	--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
	--add-opens java.base/java.lang.reflect=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED
	--add-opens java.base/java.util.concurrent=ALL-UNNAMED
	--add-exports java.base/jdk.internal.misc=ALL-UNNAMED
	--add-exports java.security.jgss/sun.security.krb5=ALL-UNNAMED
	--add-exports java.base/sun.net.dns=ALL-UNNAMED --add-exports java.base/sun.net.util=ALL-UNNAMED
)

launch() {
	local dir=$1 cache=$2
	# setsid: HBase must outlive this script and ignore the caller's ^C.
	setsid java -Xms256m -Xmx"${KYLIN_HBASE_HEAP:-1g}" -XX:+UseG1GC \
		"-Dkylin.hbase.dir=$dir" \
		-Djava.net.preferIPv4Stack=true \
		-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true \
		"${java_opens[@]}" \
		"-Dhbase.log.dir=$dir/logs" \
		"-Dlog4j2.configurationFile=$dir/conf/log4j2.properties" \
		-cp "$dir/conf:$cache/lib/*" org.apache.hadoop.hbase.master.HMaster start \
		</dev/null >>"$dir/logs/hbase.log" 2>&1 &
	echo $! >"$dir/hbase.pid"
}

# tool runs the admin tool against this instance.
tool() {
	local dir=$1 cache=$2
	shift 2
	java -Xmx256m "${java_opens[@]}" -Djava.net.preferIPv4Stack=true \
		"-Dlog4j2.configurationFile=$dir/conf/log4j2-client.properties" \
		-cp "$dir/conf:$cache/kylin-hbase-tools.jar:$cache/lib/*" kylingo.hbase.Tool "$@"
}

# fail_start DIR MESSAGE... reports a start that failed with what this start
# left behind: who listens on its ports, the JVM's main thread when it is
# still alive (a thread dump, SIGQUIT), and the log lines written since the
# launch (log_offset; a restart appends to the previous run's log). Then it
# stops the JVM and exits 1.
fail_start() {
	local dir=$1 pid p log=$1/logs/hbase.log end
	shift
	log "$*"
	pid=$(read_pid "$dir/hbase.pid")
	for p in "$zk_port" "$master_port" "$rs_port"; do
		command -v ss >/dev/null && log "port $p: $(ss -Hltnp "( sport = :$p )" 2>/dev/null | tr -s ' ' | head -n 1)"
	done
	end=$(stat -c %s "$log" 2>/dev/null || echo 0)
	if [ "$end" -le "$log_offset" ]; then
		log "HBase wrote nothing to $log since this start"
	else
		log "last lines this start wrote to $log:"
		head -c "$end" "$log" | tail -c +$((log_offset + 1)) | tail -n 40 >&2 || true
	fi
	if kill -0 "$pid" 2>/dev/null; then
		kill -QUIT "$pid" 2>/dev/null && sleep 2
		log "main thread of HBase pid $pid (thread dump at the end of $log):"
		tail -c +$((end + 1)) "$log" | awk '/^"main"/ { p = 1 } p && /^$/ { exit } p' | head -n 30 >&2 || true
	fi
	do_stop "$dir" >/dev/null 2>&1 || true
	exit 1
}

# wait_ready waits for ZooKeeper's port, then runs the tool's wait command
# (one JVM probing once a second) while watching that HBase stays alive.
wait_ready() {
	local dir=$1 cache=$2 limit=${KYLIN_HBASE_START_TIMEOUT:-180}
	local deadline=$(($(date +%s) + limit)) pid probe rc
	pid=$(read_pid "$dir/hbase.pid")
	wait_for HBase "$pid" "$limit" port_in_use "$zk_port" || fail_start "$dir" "$wait_error"
	tool "$dir" "$cache" wait "127.0.0.1:$zk_port" "kylin_probe_$$" $((deadline - $(date +%s))) \
		2>>"$dir/logs/probe.log" &
	probe=$!
	while kill -0 "$probe" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			kill "$probe" 2>/dev/null || true
			wait "$probe" 2>/dev/null || true
			fail_start "$dir" "HBase exited during startup"
		fi
		sleep 0.5
	done
	rc=0
	wait "$probe" || rc=$?
	[ "$rc" -eq 0 ] || fail_start "$dir" "HBase not ready after ${limit}s: $(tail -n 1 "$dir/logs/probe.log")"
}

do_start() {
	local dir=$1 cache
	log_offset=0
	ensure_jdk_maven
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if running "$dir"; then
		die "HBase already running for $dir (pid $(read_pid "$dir/hbase.pid")); stop it first"
	fi
	cache=$(cache_dir)
	build_cache "$cache" fill_cache
	choose_ports "$dir" "$cache"
	write_conf "$dir"
	local t0
	t0=$(date +%s)
	log "starting HBase in $dir (zk 127.0.0.1:$zk_port, master $master_port, rs $rs_port; log $dir/logs/hbase.log)"
	log_offset=$(stat -c %s "$dir/logs/hbase.log" 2>/dev/null || echo 0)
	launch "$dir" "$cache"
	wait_ready "$dir" "$cache"
	log "HBase ready after $(($(date +%s) - t0))s, pid $(read_pid "$dir/hbase.pid"); stop with: $0 stop --dir $dir"
	echo "127.0.0.1:$zk_port"
}

do_kill() { do_stop "$1" KILL; }

# do_stop DIR [SIGNAL]: signal (default TERM) the recorded process and wait.
do_stop() {
	stop_pid "HBase in $1" "$1/hbase.pid" "-Dkylin.hbase.dir=$1" "${2:-TERM}" "${KYLIN_HBASE_STOP_TIMEOUT:-60}"
}

do_status() {
	local dir=$1 pid
	pid=$(read_pid "$dir/hbase.pid")
	if running "$dir"; then
		# shellcheck disable=SC1091
		. "$dir/ports"
		echo "running $pid 127.0.0.1:$prev_zk"
		return 0
	fi
	echo "stopped"
	return 3
}

do_admin() {
	local dir=$1 cache
	shift
	running "$dir" || die "HBase in $dir is not running"
	[ $# -ge 2 ] || die "admin needs a command: probe TABLE | put TABLE ROW VALUE | get TABLE ROW"
	# shellcheck disable=SC1091
	. "$dir/ports"
	cache=$(cache_dir)
	local cmd=$1
	shift
	tool "$dir" "$cache" "$cmd" "127.0.0.1:$prev_zk" "$@"
}

main() {
	[ $# -ge 1 ] || usage
	local cmd=$1 dir=""
	shift
	opt_zk="" opt_master="" opt_rs=""
	admin_args=() site_props=()
	while [ $# -gt 0 ]; do
		case $1 in
		--dir) dir=${2:?--dir needs a directory} && shift 2 ;;
		--zk-port) opt_zk=${2:?--zk-port needs a port} && shift 2 ;;
		--master-port) opt_master=${2:?--master-port needs a port} && shift 2 ;;
		--rs-port) opt_rs=${2:?--rs-port needs a port} && shift 2 ;;
		--site)
			local kv=${2:?--site needs NAME=VALUE}
			[[ $kv =~ ^[A-Za-z0-9_.-]+=[^\<\>\&]*$ ]] ||
				die "--site $kv: want NAME=VALUE, NAME of letters, digits, '.', '_', '-', VALUE without <, > or &"
			site_props+=("$kv") && shift 2
			;;
		*)
			[ "$cmd" = admin ] || { log "unknown argument: $1" && usage; }
			admin_args+=("$1") && shift
			;;
		esac
	done
	case $cmd in
	start)
		[ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/kylin-hbase.XXXXXX")
		do_start "$dir"
		;;
	stop | kill | status)
		[ -n "$dir" ] || die "$cmd needs --dir DIR (the directory given to start)"
		dir=$(cd "$dir" 2>/dev/null && pwd) || die "no such directory: $dir"
		"do_$cmd" "$dir"
		;;
	admin)
		[ -n "$dir" ] || die "admin needs --dir DIR (the directory given to start)"
		dir=$(cd "$dir" 2>/dev/null && pwd) || die "no such directory: $dir"
		do_admin "$dir" "${admin_args[@]}"
		;;
	*) usage ;;
	esac
}

main "$@"
