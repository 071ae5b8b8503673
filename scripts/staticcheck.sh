#!/usr/bin/env bash
# Runs staticcheck at a pinned version, installing it once into the
# project's cache (not into go.mod: it is a tool of ours, not a dependency
# of the library). Arguments go to staticcheck (default ./...).
set -euo pipefail
cd "$(dirname "$0")/.."

version=v0.8.2
bin="${XDG_CACHE_HOME:-$HOME/.cache}/kylin-go/staticcheck-$version"
if [ ! -x "$bin/staticcheck" ]; then
	mkdir -p "$bin"
	GOBIN="$bin" go install "honnef.co/go/tools/cmd/staticcheck@$version"
fi
if [ $# -eq 0 ]; then set -- ./...; fi
exec "$bin/staticcheck" "$@"
