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
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

# cache_dir prints the cache directory for the current poms and settings.
cache_dir() {
	local version
	version=$(sed -n 's:.*<kylin.version>\(.*\)</kylin.version>.*:\1:p' "$src/jars/pom.xml")
	printf '%s/kylin-%s-%s' "$(cache_root KYLIN_JARS_CACHE)" "$version" "$(tree_hash "$src" .)"
}

# fill_cache TMP CACHE resolves the jars (build_cache runs it once per cache
# directory).
fill_cache() {
	local tmp=$1 cache=$2
	cp -r "$src/." "$tmp/" || return 1
	log "fetching Kylin's jars with Maven into $cache (first run only; several minutes)"
	(cd "$tmp" && mvn -B -q -Dstyle.color=never -s settings.xml package >&2) || return 1
	extract_patch "$tmp" || return 1
	mv "$tmp/jars/target/lib" "$tmp/patch-java-base" "$cache/"
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
	ensure_jdk_maven javac jar
	local cache
	cache=$(cache_dir)
	build_cache "$cache" fill_cache
	log "Kylin's jars in $cache/lib ($(find "$cache/lib" -name '*.jar' | wc -l) jars)"
	if $classpath; then
		echo "$cache/lib/*"
	else
		echo "$cache"
	fi
}

main "$@"
