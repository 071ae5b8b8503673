#!/usr/bin/env bash
# Run the scale curves of bench/scale (every subfolder, one package at a
# time so they do not disturb each other) and rewrite their sections of
# bench/README.md. Starts a ZooKeeper and a standalone HBase of its own (the
# membership, job-history and HBase backup curves need them) and stops them
# on exit; a KYLIN_TEST_ZK or KYLIN_TEST_HBASE_ZK already set is used as it
# is. Takes tens of minutes; not part of make test.
set -euo pipefail
cd "$(dirname "$0")/.."

state=$(mktemp -d)
started=()
cleanup() {
	local s
	for s in "${started[@]}"; do
		"scripts/$s.sh" stop --dir "$state/$s" >/dev/null 2>&1 || true
	done
	rm -rf "$state"
}
trap cleanup EXIT INT TERM

if [ -z "${KYLIN_TEST_ZK:-}" ]; then
	started+=(zookeeper)
	KYLIN_TEST_ZK=$(scripts/zookeeper.sh start 1 --dir "$state/zookeeper" | tail -n 1)
fi
if [ -z "${KYLIN_TEST_HBASE_ZK:-}" ]; then
	# Region splits off, as in bench/hbase: a split in the middle of a round
	# stalls whichever side runs during it. A 3 GiB heap: the 100,000-row
	# backup curve fills three tables' memstores faster than 1 GiB holds.
	started+=(hbase)
	KYLIN_TEST_HBASE_ZK=$(KYLIN_HBASE_HEAP=${KYLIN_HBASE_HEAP:-3g} scripts/hbase.sh start --dir "$state/hbase" \
		--site hbase.regionserver.region.split.policy=org.apache.hadoop.hbase.regionserver.DisabledRegionSplitPolicy | tail -n 1)
fi
if [ -z "${KYLIN_TEST_KYLIN_JARS:-}" ]; then
	# Kylin's own backup is a peer of the HBase backup curve; without the
	# jars that column says "not run" and the rest still runs.
	KYLIN_TEST_KYLIN_JARS=$(scripts/kylin-jars.sh | tail -n 1) || KYLIN_TEST_KYLIN_JARS=
fi
export KYLIN_TEST_ZK KYLIN_TEST_HBASE_ZK KYLIN_TEST_KYLIN_JARS KYLIN_BENCH_README=1
go test -p 1 -count=1 -timeout 180m -run '^$' -bench . -benchtime 1x "$@" ./bench/scale/...
