#!/usr/bin/env bash
# jdbcstore (Go) against Kylin 3.1.3's own JDBCResourceStore on one MariaDB.
#
#   bench/jdbc/run.sh [-rounds N] [-readme bench/README.md] [-warmup S] [-measure S]
#                     [-clients N] [-pool N]
#
# Starts a dedicated MariaDB with scripts/mariadb.sh, fetches Kylin's jars
# with scripts/kylin-jars.sh (cached), compiles the Java side
# (bench/jdbc/java) against them, then `go run ./bench/jdbc compare` primes
# both sides and runs N rounds (default 5) of both per workload, and
# `report` prints the table (and writes README's jdbc section and
# bench/jdbc/testdata/results.jsonl with -readme). Both sides use the
# MariaDB JDBC URL form, driverClassName=org.mariadb.jdbc.Driver (Kylin's
# side needs it; ours speaks the same protocol) and a pool of -pool
# connections (default 16: with Kylin's default of 5, its writes wait for
# each other's second connection and time out). Stops MariaDB at the end.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=5 readme="" warmup=1 measure=3 clients=8 pool=16
while [ $# -gt 0 ]; do
	case $1 in
	-rounds) rounds=$2 && shift 2 ;;
	-readme) readme=$2 && shift 2 ;;
	-warmup) warmup=$2 && shift 2 ;;
	-measure) measure=$2 && shift 2 ;;
	-clients) clients=$2 && shift 2 ;;
	-pool) pool=$2 && shift 2 ;;
	*)
		awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
		exit 2
		;;
	esac
done
[ "$rounds" -ge 1 ] 2>/dev/null || { echo "run.sh: -rounds must be a positive integer" >&2; exit 2; }

log() { printf '== %s\n' "$*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kylin-jdbc-bench.XXXXXX")
cleanup() {
	"$root/scripts/mariadb.sh" stop --dir "$work/mariadb" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

log "starting MariaDB"
dsn=$("$root/scripts/mariadb.sh" start --dir "$work/mariadb" | tail -n 1)
hostport=$(sed -n 's/.*@tcp(\(.*\))\/.*/\1/p' <<<"$dsn")
user=${dsn%%:*}
rest=${dsn#*:}
password=${rest%%@tcp*}
database=${dsn##*/}

log "fetching Kylin's jars"
jars=$("$root/scripts/kylin-jars.sh" | tail -n 1)
log "compiling the Java side"
mkdir -p "$work/classes" "$work/conf" "$work/working"
javac -nowarn -encoding UTF-8 -d "$work/classes" -cp "$jars/lib/*" "$root"/bench/jdbc/java/kylingo/benchjdbc/*.java

params="url=jdbc:mariadb://$hostport/$database,username=$user,password=$password,driverClassName=org.mariadb.jdbc.Driver,maxActive=$pool,maxIdle=$pool"
cat >"$work/conf/kylin.properties" <<EOP
kylin.metadata.url=bench_kylin@jdbc,$params
kylin.env.hdfs-working-dir=file://$work/working
EOP

log "running $rounds rounds"
(cd "$root" && go run ./bench/jdbc compare -url "bench_go@jdbc,$params" -clients "$clients" -rounds "$rounds" \
	-warmup "${warmup}s" -measure "${measure}s" -- \
	java -Xmx1g -XX:+UseG1GC "--patch-module" "java.base=$jars/patch-java-base" \
	"-DKYLIN_CONF=$work/conf" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
	-cp "$work/classes:$jars/lib/*" kylingo.benchjdbc.Bench) >"$work/results.jsonl"

note="MariaDB $(mariadb --version | sed -n 's/.*Distrib \([^,]*\),.*/\1/p;s/.* \([0-9.]*-MariaDB\).*/\1/p' | head -n 1), $clients clients per side, pool $pool (maxActive=maxIdle), Kylin's side on mariadb-java-client; ${warmup}s warm-up, ${measure}s measured per run."
if [ -n "$readme" ]; then
	cp "$work/results.jsonl" "$root/bench/jdbc/testdata/results.jsonl"
	(cd "$root" && go run ./bench/jdbc report -readme "$readme" -note "$note" <"$work/results.jsonl")
else
	(cd "$root" && go run ./bench/jdbc report -note "$note" <"$work/results.jsonl")
fi
