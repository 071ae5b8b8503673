#!/usr/bin/env bash
# apt-install.sh PACKAGE...: installs Debian packages for the test scripts.
# make test starts several servers at once, and each may install what it
# lacks, so this waits for apt's locks and retries a run that another
# apt-get refused, instead of failing the first time two installs meet.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: apt-install.sh PACKAGE..." >&2; exit 2; }
command -v apt-get >/dev/null || { echo "apt-install.sh: apt-get not found; install $* by hand" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "apt-install.sh: installing $* needs root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
lock=(-o DPkg::Lock::Timeout=600)
for attempt in 1 2 3 4 5 6 7 8 9 10; do
	if apt-get "${lock[@]}" update -qq >&2 && apt-get "${lock[@]}" install -y -qq "$@" >&2; then
		exit 0
	fi
	echo "apt-install.sh: installing $* failed (attempt $attempt; another apt-get running?); retrying in 5 s" >&2
	sleep 5
done
echo "apt-install.sh: could not install $*" >&2
exit 1
