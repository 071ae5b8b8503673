#!/usr/bin/env bash
# hbasestore (Go) against HBase's Java client on one standalone HBase.
#
#   bench/hbase/run.sh [-rounds N] [-readme bench/README.md] [-warmup S] [-measure S]
#                      [-clients N] [-quorum HOST:PORT] [-workloads read,write,cas] [-rate OPS]
#
# Starts a dedicated HBase with scripts/hbase.sh (unless -quorum names a
# running one), builds the Java side (bench/hbase/java, with mvn, cached like
# scripts/hbase.sh's jars) and the Go side, then `go run ./bench/hbase compare`
# primes both and runs N rounds (default 5) of Java and Go per workload (read,
# write, cas), and `report` prints the table of medians with min-max and the
# Go/Java ratios (and writes README's hbase section with -readme). Stops
# HBase at the end. The raw results' path is the last line on stderr.
# -rate OPS paces both sides at OPS operations/s (open loop, latency from each
# operation's actual start) so that their latencies compare at equal load; with
# -readme it writes the "hbase-paced" section instead.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=5 readme="" warmup=2 measure=4 clients=16 quorum="" workloads=read,write,cas rate=0
while [ $# -gt 0 ]; do
	case $1 in
	-rounds) rounds=$2 && shift 2 ;;
	-readme) readme=$2 && shift 2 ;;
	-warmup) warmup=$2 && shift 2 ;;
	-measure) measure=$2 && shift 2 ;;
	-clients) clients=$2 && shift 2 ;;
	-quorum) quorum=$2 && shift 2 ;;
	-workloads) workloads=$2 && shift 2 ;;
	-rate) rate=$2 && shift 2 ;;
	*)
		awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
		exit 2
		;;
	esac
done
[ "$rounds" -ge 1 ] 2>/dev/null || { echo "run.sh: -rounds must be a positive integer" >&2; exit 2; }

log() { printf '== %s\n' "$*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kylin-hbase-bench.XXXXXX")
started=""
cleanup() {
	[ -n "$started" ] && "$root/scripts/hbase.sh" stop --dir "$work/hbase" || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Java side: built once per pom/source hash into the cache.
src="$root/bench/hbase/java"
hash=$(cd "$src" && find pom.xml src -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-12)
cache="${KYLIN_HBASE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kylin-go}/hbase-bench-$hash"
if [ ! -f "$cache/ok" ]; then
	log "building the Java side into $cache"
	rm -rf "$cache" && mkdir -p "$cache"
	cp -r "$src/pom.xml" "$src/src" "$cache/"
	(cd "$cache" && mvn -B -q -Dstyle.color=never package >&2)
	touch "$cache/ok"
fi
cat >"$work/log4j2.properties" <<'EOF'
status = warn
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{ISO8601} %-5p %c{2}: %m%n
rootLogger = ERROR,console
EOF
java_cmd=(java -Xms512m -Xmx1g -XX:+UseG1GC
	--add-modules jdk.unsupported
	--add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
	--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
	--add-opens java.base/java.lang.reflect=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
	-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true
	"-Dlog4j2.configurationFile=$work/log4j2.properties"
	-cp "$cache/target/kylin-hbase-bench.jar:$cache/target/lib/*" kylingo.bench.Bench)

log "building the Go side"
(cd "$root" && go build -o "$work/hbase-bench" ./bench/hbase)

if [ -z "$quorum" ]; then
	log "starting HBase"
	mkdir -p "$work/hbase"
	started=1
	# Region splits off: a split stalls whichever side happens to run during
	# it, which measures HBase, not the client. Writes across splits are
	# tested in metastore/hbasestore (TestSplitDuringWrites).
	quorum=$("$root/scripts/hbase.sh" start --dir "$work/hbase" \
		--site hbase.regionserver.region.split.policy=org.apache.hadoop.hbase.regionserver.DisabledRegionSplitPolicy | tail -n 1)
fi
log "HBase at $quorum"

results="$work/results.jsonl"
"$work/hbase-bench" compare -quorum "$quorum" -clients "$clients" -rounds "$rounds" -workloads "$workloads" -rate "$rate" \
	-warmup "${warmup}s" -measure "${measure}s" -- "${java_cmd[@]}" | tee "$results" >&2

args=(-warmup "${warmup}s")
[ -n "$readme" ] && args+=(-readme "$readme")
"$work/hbase-bench" report "${args[@]}" <"$results"
cp "$results" "${TMPDIR:-/tmp}/kylin-hbase-bench-results.jsonl"
log "raw results: ${TMPDIR:-/tmp}/kylin-hbase-bench-results.jsonl"
