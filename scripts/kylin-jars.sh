#!/usr/bin/env bash
# Kylin 3.1.3's own jars from Maven Central, for the compatibility suite
# (compat/) and for benchmarks that run Kylin's classes as the peer.
#
#   scripts/kylin-jars.sh [--classpath]
#
# Resolves the jars once with Maven (scripts/kylin/pom.xml, with
# scripts/kylin/settings.xml pointing every repository at Maven Central)
# into ${KYLIN_JARS_CACHE:-~/.cache/kylin-go}/kylin-3.1.3-HASH, where HASH
# follows the poms: a change to them builds a new directory, an unchanged
# one is reused. A lock keeps parallel runs from building it twice.
#
# The LAST stdout line is that directory (with --classpath: the classpath,
# DIR/lib/*); everything else goes to stderr. The directory holds:
#
#   lib/              Kylin's core-common, core-metadata, core-job and
#                     storage-hbase 3.1.3, server-base 3.1.3 (without its
#                     dependencies) with Spring MVC 4.3.26, Spring Security
#                     core 4.2.14 and the servlet API, Hadoop 2.7.1 and
#                     HBase 1.1.1 clients,
#                     Curator 2.x on ZooKeeper 3.5.x, a MariaDB JDBC driver,
#                     slf4j-simple, and Guava 28.2-jre relocated into
#                     org.apache.kylin.shaded.com.google.common (standing in
#                     for kylin-shaded-guava, which Central does not have)
#   patch-java-base/  metadata-jdbc-mysql.properties: start Java with
#                     --patch-module java.base=DIR/patch-java-base so that
#                     JDBCResourceStore finds it on JDK 9+
#
# Left out: Kylin's Calcite fork and jdk.tools (not on Central; nothing on
# the cluster path loads them). Running Kylin's classes on JDK 17 has more
# pitfalls (hbase-client 1.1.1's ClassSize and the Java version string);
# compat/java handles them.
#
# Needs Java 17 and Maven; on Debian the script installs them when missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src="$here/kylin"

log() { printf 'kylin-jars.sh: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

usage() {
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
	exit 2
}

# ensure_tools installs Java 17 and Maven from Debian when they are missing
# (apt-install.sh waits for the apt locks of installs make test runs beside).
ensure_tools() {
	command -v java >/dev/null && command -v javac >/dev/null && command -v jar >/dev/null && command -v mvn >/dev/null && return 0
	log "installing JDK 17 and Maven with apt-get"
	"$here/apt-install.sh" openjdk-17-jdk-headless maven || die "java, javac and mvn are required (install JDK 17 and Maven)"
}

# cache_dir prints the cache directory for the current poms and settings.
cache_dir() {
	local version hash
	version=$(sed -n 's:.*<kylin.version>\(.*\)</kylin.version>.*:\1:p' "$src/jars/pom.xml")
	hash=$(cd "$src" && find . -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-12)
	printf '%s/kylin-%s-%s' "${KYLIN_JARS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kylin-go}" "$version" "$hash"
}

# build resolves the jars into the cache, once, under a lock.
build() {
	local cache=$1
	[ -f "$cache/ok" ] && return 0
	mkdir -p "$(dirname "$cache")"
	exec 9>"$cache.lock"
	flock 9
	if [ ! -f "$cache/ok" ]; then
		local tmp
		tmp=$(mktemp -d "$cache.build.XXXXXX")
		cp -r "$src/." "$tmp/"
		log "fetching Kylin's jars with Maven into $cache (first run only; several minutes)"
		if ! (cd "$tmp" && mvn -B -q -Dstyle.color=never -s settings.xml package >&2); then
			rm -rf "$tmp"
			die "mvn package failed for $src (see the Maven output above)"
		fi
		extract_patch "$tmp"
		rm -rf "$cache"
		mkdir -p "$cache"
		mv "$tmp/jars/target/lib" "$tmp/patch-java-base" "$cache/"
		rm -rf "$tmp"
		touch "$cache/ok"
	fi
	flock -u 9
	exec 9>&-
}

# extract_patch copies the JDBC store's SQL templates out of
# kylin-core-common into DIR/patch-java-base.
extract_patch() {
	local dir=$1 jar
	jar=$(find "$dir/jars/target/lib" -name 'kylin-core-common-*.jar' | head -n 1)
	[ -n "$jar" ] || die "kylin-core-common's jar is missing from the Maven output"
	mkdir -p "$dir/patch-java-base"
	(cd "$dir/patch-java-base" && jar xf "$jar" metadata-jdbc-mysql.properties)
	[ -f "$dir/patch-java-base/metadata-jdbc-mysql.properties" ] ||
		die "metadata-jdbc-mysql.properties not found in $jar"
}

main() {
	local classpath=false
	while [ $# -gt 0 ]; do
		case $1 in
		--classpath) classpath=true && shift ;;
		*) usage ;;
		esac
	done
	ensure_tools
	local cache
	cache=$(cache_dir)
	build "$cache"
	log "Kylin's jars in $cache/lib ($(find "$cache/lib" -name '*.jar' | wc -l) jars)"
	if $classpath; then
		echo "$cache/lib/*"
	else
		echo "$cache"
	fi
}

main "$@"
