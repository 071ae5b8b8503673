#!/usr/bin/env bash
# make compat-chaos: the mixed-cluster fault test. Kylin 3.1.3's mode-2
# DistributedScheduler (two JVMs) and our mode-2 engine (two processes) share
# one HBase metastore and one ZooKeeper, each side running its own job types;
# a random node is SIGKILLed and restarted every other job. It reports jobs,
# kills, takeovers and violations (two nodes running one job at once, a side
# running the other's job), which must be 0, then runs the negative control
# (KYLIN_COMPAT_BREAK=nolock: one of our nodes runs jobs taking no lock), which must
# report violations. Not part of make test (several minutes).
#
# Environment: KYLIN_COMPAT_CHAOS_JOBS (jobs per side, default 12).
set -euo pipefail
cd "$(dirname "$0")/.."

state=$(mktemp -d "${TMPDIR:-/tmp}/kylin-chaos.XXXXXX")
cleanup() {
	status=$?
	scripts/hbase.sh stop --dir "$state/hbase" >&2 || true
	rm -rf "$state"
	exit "$status"
}
trap cleanup EXIT INT TERM

log() { printf '== %s\n' "$*" >&2; }

log "fetching Kylin 3.1.3's jars"
KYLIN_TEST_KYLIN_JARS=$(scripts/kylin-jars.sh | tail -n 1)
log "starting standalone HBase"
KYLIN_TEST_HBASE_ZK=$(scripts/hbase.sh start --dir "$state/hbase" | tail -n 1)
export KYLIN_TEST_KYLIN_JARS KYLIN_TEST_HBASE_ZK

log "mixed cluster under faults"
go test -tags chaos -count=1 -v -timeout 30m -run '^TestMixedClusterChaos$' ./compat/
log "negative control: a node of ours running jobs without a lock must be caught"
KYLIN_COMPAT_BREAK=nolock KYLIN_COMPAT_CHAOS_JOBS=4 \
	go test -tags chaos -count=1 -v -timeout 30m -run '^TestMixedClusterChaos$' ./compat/
log "mixed cluster passed, and its negative control was caught"
