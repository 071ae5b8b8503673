#!/usr/bin/env bash
# make compat-chaos: the mixed-cluster fault tests, in two scheduler modes.
# Kylin 3.1.3's nodes (two JVMs) and our engine (two processes) share one
# HBase metastore and one ZooKeeper, each side running its own job types; a
# random node is SIGKILLed and restarted every other job.
#
#   mode 2:   Kylin's DistributedScheduler beside our mode-2 engine. Violations:
#             two nodes running one job at once, a side running the other's job.
#             Negative control KYLIN_COMPAT_BREAK=nolock: one of our nodes runs
#             jobs taking no lock.
#   mode 100: Kylin's CuratorScheduler beside our mode-100 engine, one leader
#             elected across both; a leader whose side has no jobs left is
#             killed so leadership moves on. Violations add two leaders at once
#             and a step run outside its node's term of leadership. Negative
#             control KYLIN_COMPAT_BREAK=wrongpath: our nodes elect under
#             another ZooKeeper base path.
#
# Each reports jobs, kills, takeovers and violations, which must be 0; each
# negative control must report violations. Not part of make test (about ten
# minutes).
#
# Environment: KYLIN_COMPAT_CHAOS_JOBS (jobs per side; default 12 in mode 2,
# 8 in mode 100).
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

log "mixed cluster under faults, mode 2"
go test -tags chaos -count=1 -v -timeout 30m -run '^TestMixedClusterChaos$' ./compat/
log "negative control: a node of ours running jobs without a lock must be caught"
KYLIN_COMPAT_BREAK=nolock KYLIN_COMPAT_CHAOS_JOBS=4 \
	go test -tags chaos -count=1 -v -timeout 30m -run '^TestMixedClusterChaos$' ./compat/
log "mixed cluster under faults, mode 100"
go test -tags chaos -count=1 -v -timeout 30m -run '^TestMixedClusterChaosLeader$' ./compat/
log "negative control: our nodes electing on another path must be caught"
KYLIN_COMPAT_BREAK=wrongpath KYLIN_COMPAT_CHAOS_JOBS=4 \
	go test -tags chaos -count=1 -v -timeout 30m -run '^TestMixedClusterChaosLeader$' ./compat/
log "mixed clusters passed in modes 2 and 100, and their negative controls were caught"
