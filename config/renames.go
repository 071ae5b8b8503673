package config

import "strings"

// renamedKeys is Kylin's key rename list (kylin-backward-compatibility.properties,
// applied by BackwardCompatibilityConfig to every file it loads): old name ->
// current name. Entries whose two names are equal are left out.
var renamedKeys = map[string]string{
	// environment
	"deploy.env":             "kylin.env",
	"kylin.hdfs.working.dir": "kylin.env.hdfs-working-dir",
	// metadata
	"kylin.realization.providers":                  "kylin.metadata.realization-providers",
	"kylin.cube.dimension.customEncodingFactories": "kylin.metadata.custom-dimension-encodings",
	// dictionary
	"kylin.table.snapshot.max_mb":              "kylin.snapshot.max-mb",
	"kylin.snapshot.cache.max.entry":           "kylin.snapshot.max-cache-entry",
	"kylin.dictionary.forest.trie.size.max_mb": "kylin.dictionary.forest-trie-max-mb",
	"kylin.dict.cache.max.entry":               "kylin.dictionary.max-cache-entry",
	"kylin.dict.growing.enabled":               "kylin.dictionary.growing-enabled",
	"kylin.dict.append.entry.size":             "kylin.dictionary.append-entry-size",
	"kylin.dict.append.cache.size":             "kylin.dictionary.append-cache-size",
	// cube
	"kylin.job.cuboid.size.ratio":               "kylin.cube.size-estimate-ratio",
	"kylin.job.cuboid.size.memhungry.ratio":     "kylin.cube.size-estimate-memhungry-ratio",
	"kylin.cube.algorithm.auto.threshold":       "kylin.cube.algorithm.layer-or-inmem-threshold",
	"kylin.cube.algorithm.auto.mapper.limit":    "kylin.cube.algorithm.inmem-split-limit",
	"kylin.cube.aggrgroup.max.size":             "kylin.cube.aggrgroup.max-size",
	"kylin.cube.aggrgroup.max.combination":      "kylin.cube.aggrgroup.max-combination",
	"kylin.cube.aggrgroup.isMandatoryOnlyValid": "kylin.cube.aggrgroup.is-mandatory-only-valid",
	"kylin.cube.building.segment.max":           "kylin.cube.max-building-segments",
	// job
	"kylin.job.log.dir":                             "kylin.job.log-dir",
	"kylin.job.allow.empty.segment":                 "kylin.job.allow-empty-segment",
	"kylin.job.concurrent.max.limit":                "kylin.job.max-concurrent-jobs",
	"kylin.job.cubing.inmem.sampling.percent":       "kylin.job.sampling-percentage",
	"kylin.job.cubing.inmem.sampling.hll.precision": "kylin.job.sampling-hll-precision",
	"kylin.job.dependency.filterlist":               "kylin.job.dependency-filter-list",
	"kylin.job.controller.lock":                     "kylin.job.lock",
	"kylin.enable.scheduler":                        "kylin.job.scheduler.default",
	"mail.enabled":                                  "kylin.job.notification-enabled",
	"mail.host":                                     "kylin.job.notification-mail-host",
	"mail.username":                                 "kylin.job.notification-mail-username",
	"mail.password":                                 "kylin.job.notification-mail-password",
	"mail.sender":                                   "kylin.job.notification-mail-sender",
	"kylin.job.admin.dls":                           "kylin.job.notification-admin-emails",
	"kylin.job.run.as.remote.cmd":                   "kylin.job.use-remote-cli",
	"kylin.job.remote.cli.port":                     "kylin.job.remote-cli-port",
	"kylin.job.remote.cli.hostname":                 "kylin.job.remote-cli-hostname",
	"kylin.job.remote.cli.username":                 "kylin.job.remote-cli-username",
	"kylin.job.remote.cli.password":                 "kylin.job.remote-cli-password",
	"kylin.job.remote.cli.working.dir":              "kylin.job.remote-cli-working-dir",
	// engine
	"kylin.default.cube.engine":                             "kylin.engine.default",
	"kylin.job.mr.lib.dir":                                  "kylin.engine.mr.lib-dir",
	"kylin.job.jar":                                         "kylin.engine.mr.job-jar",
	"kylin.job.mapreduce.default.reduce.input.mb":           "kylin.engine.mr.reduce-input-mb",
	"kylin.job.mapreduce.default.reduce.count.ratio":        "kylin.engine.mr.reduce-count-ratio",
	"kylin.job.mapreduce.min.reducer.number":                "kylin.engine.mr.min-reducer-number",
	"kylin.job.mapreduce.max.reducer.number":                "kylin.engine.mr.max-reducer-number",
	"kylin.job.mapreduce.mapper.input.rows":                 "kylin.engine.mr.mapper-input-rows",
	"kylin.job.uhc.reducer.count":                           "kylin.engine.mr.uhc-reducer-count",
	"kylin.job.yarn.app.rest.check.interval.seconds":        "kylin.engine.mr.yarn-check-interval-seconds",
	"kylin.job.jar.spark":                                   "kylin.engine.spark.job-jar",
	"kylin.spark.home":                                      "kylin.engine.spark.spark-home",
	"kylin.spark.master":                                    "kylin.engine.spark.spark-master",
	"kylin.job.yarn.app.rest.check.status.url":              "kylin.engine.mr.yarn-check-status-url",
	"kylin.hive.keep.flat.table":                            "kylin.source.hive.keep-flat-table",
	"kylin.job.hive.database.for.intermediatetable":         "kylin.source.hive.database-for-flat-table",
	"kylin.job.hive.intermediatetable.redistribute.enabled": "kylin.source.hive.redistribute-flat-table",
	"kylin.hive.client":                                     "kylin.source.hive.client",
	"kylin.hive.beeline.params":                             "kylin.source.hive.beeline-params",
	"kylin.hive.create.flat.table.method":                   "kylin.source.hive.create-flat-table-method",
	"hive.url":                                              "kylin.source.hive.connection-url",
	"hive.user":                                             "kylin.source.hive.connection-user",
	"hive.password":                                         "kylin.source.hive.connection-password",
	// storage
	"kylin.default.storage.engine":                        "kylin.storage.default",
	"kylin.hbase.cluster.fs":                              "kylin.storage.hbase.cluster-fs",
	"kylin.hbase.cluster.hdfs.config.file":                "kylin.storage.hbase.cluster-hdfs-config-file",
	"kylin.coprocessor.local.jar":                         "kylin.storage.hbase.coprocessor-local-jar",
	"kylin.hbase.region.count.min":                        "kylin.storage.hbase.min-region-count",
	"kylin.hbase.region.count.max":                        "kylin.storage.hbase.max-region-count",
	"kylin.hbase.hfile.size.gb":                           "kylin.storage.hbase.hfile-size-gb",
	"kylin.query.run.local.coprocessor":                   "kylin.storage.hbase.run-local-coprocessor",
	"kylin.query.coprocessor.mem.gb":                      "kylin.storage.hbase.coprocessor-mem-gb",
	"kylin.query.coprocessor.timeout.seconds":             "kylin.storage.hbase.coprocessor-timeout-seconds",
	"kylin.query.scan.fuzzykey.max":                       "kylin.storage.hbase.max-fuzzykey-scan",
	"kylin.query.storage.visit.scanrange.max":             "kylin.storage.hbase.max-visit-scanrange",
	"kylin.query.storage.default.gtstorage":               "kylin.storage.hbase.gtstorage",
	"kylin.hbase.scan.cache_rows":                         "kylin.storage.hbase.scan-cache-rows",
	"kylin.hbase.region.cut":                              "kylin.storage.hbase.region-cut-gb",
	"kylin.hbase.scan.max_result_size":                    "kylin.storage.hbase.max-scan-result-bytes",
	"kylin.hbase.default.compression.codec":               "kylin.storage.hbase.compression-codec",
	"kylin.hbase.default.encoding":                        "kylin.storage.hbase.rowkey-encoding",
	"kylin.hbase.default.block.size":                      "kylin.storage.hbase.block-size-bytes",
	"kylin.hbase.small.family.block.size":                 "kylin.storage.hbase.small-family-block-size-bytes",
	"kylin.owner":                                         "kylin.storage.hbase.owner-tag",
	"kylin.query.endpoint.compression.result":             "kylin.storage.hbase.endpoint-compress-result",
	"kylin.query.hbase.hconnection.threads.max":           "kylin.storage.hbase.max-hconnection-threads",
	"kylin.query.hbase.hconnection.threads.core":          "kylin.storage.hbase.core-hconnection-threads",
	"kylin.query.hbase.hconnection.threads.alive.seconds": "kylin.storage.hbase.hconnection-threads-alive-seconds",
	// query
	"kylin.query.filter.derived_in.max":            "kylin.query.derived-filter-translation-threshold",
	"kylin.query.badquery.stacktrace.depth":        "kylin.query.badquery-stacktrace-depth",
	"kylin.query.badquery.history.num":             "kylin.query.badquery-history-number",
	"kylin.query.badquery.alerting.seconds":        "kylin.query.badquery-alerting-seconds",
	"kylin.query.badquery.detect.interval.seconds": "kylin.query.badquery-detect-interval",
	"kylin.query.badquery.persistent.enable":       "kylin.query.badquery-persistent-enabled",
	"kylin.query.cache.enabled":                    "kylin.query.cache-enabled",
	"kylin.query.cache.threshold.duration":         "kylin.query.cache-threshold-duration",
	"kylin.query.cache.threshold.scancount":        "kylin.query.cache-threshold-scan-count",
	"kylin.query.mem.budget":                       "kylin.storage.hbase.coprocessor-max-scan-bytes",
	"kylin.query.ignore_unknown_function":          "kylin.query.ignore-unknown-function",
	"kylin.query.dim.distinct.max":                 "kylin.query.max-dimension-count-distinct",
	"kylin.query.security.enabled":                 "kylin.query.security-enabled",
	"kylin.query.access.controller":                "kylin.query.access-controller",
	"kylin.query.pushdown.limit.max":               "kylin.query.max-limit-pushdown",
	"kylin.query.scan.threshold":                   "kylin.query.scan-threshold",
	// server
	"kylin.init.tasks":                          "kylin.server.init-tasks",
	"kylin.cluster.name":                        "kylin.server.cluster-name",
	"kylin.rest.servers":                        "kylin.server.cluster-servers",
	"kylin.rest.workers.per.server":             "kylin.server.sequence-sql.workers-per-server",
	"kylin.query.sequence.expire.time":          "kylin.server.sequence-sql.expire-time",
	"kylin.query.metrics.enabled":               "kylin.server.query-metrics-enabled",
	"kylin.query.metrics.percentiles.intervals": "kylin.server.query-metrics-percentiles-intervals",
	// security
	"acl.defaultRole":              "kylin.security.acl.default-role",
	"acl.adminRole":                "kylin.security.acl.admin-role",
	"ldap.server":                  "kylin.security.ldap.connection-server",
	"ldap.username":                "kylin.security.ldap.connection-username",
	"ldap.password":                "kylin.security.ldap.connection-password",
	"ldap.user.searchBase":         "kylin.security.ldap.user-search-base",
	"ldap.user.searchPattern":      "kylin.security.ldap.user-search-pattern",
	"ldap.user.groupSearchBase":    "kylin.security.ldap.user-group-search-base",
	"ldap.service.searchBase":      "kylin.security.ldap.service-search-base",
	"ldap.service.searchPattern":   "kylin.security.ldap.service-search-pattern",
	"ldap.service.groupSearchBase": "kylin.security.ldap.service-group-search-base",
	"saml.metadata.file":           "kylin.security.saml.metadata-file",
	"saml.metadata.entityBaseURL":  "kylin.security.saml.metadata-entity-base-url",
	"saml.context.scheme":          "kylin.security.saml.context-scheme",
	"saml.context.serverName":      "kylin.security.saml.context-server-name",
	"saml.context.serverPort":      "kylin.security.saml.context-server-port",
	"saml.context.contextPath":     "kylin.security.saml.context-path",
	// web
	"kylin.rest.timezone":       "kylin.web.timezone",
	"crossdomain.enable":        "kylin.web.cross-domain-enabled",
	"kylin.web.streaming.guide": "kylin.web.link-streaming-guide",
	"kylin.web.hadoop":          "kylin.web.link-hadoop",
	"kylin.web.diagnostic":      "kylin.web.link-diagnostic",
	"kylin.web.contact_mail":    "kylin.web.contact-mail",
	"kylin.web.hive.limit":      "kylin.web.hive-limit",
}

// renamedPrefixes is the prefix part of the same list: a key starting
// with the old prefix gets the new prefix instead.
var renamedPrefixes = []struct{ old, new string }{
	{"kylin.cube.measure.customMeasureType.", "kylin.metadata.custom-measure-types."},
	{"kylin.scheduler.", "kylin.job.scheduler.provider."},
	{"kylin.cube.engine.", "kylin.engine.provider."},
	{"kylin.job.mr.config.override.", "kylin.engine.mr.config-override."},
	{"kylin.source.engine.", "kylin.source.provider."},
	{"kylin.hive.config.override.", "kylin.source.hive.config-override."},
	{"hive.table.location.", "kylin.source.hive.table-location."},
	{"kylin.storage.engine.", "kylin.storage.provider."},
}

// renameKey returns the current name of key, as Kylin's
// BackwardCompatibilityConfig.check does: an exact entry first, then the
// first matching prefix.
func renameKey(key string) string {
	if n, ok := renamedKeys[key]; ok {
		return n
	}
	for _, p := range renamedPrefixes {
		if strings.HasPrefix(key, p.old) {
			return p.new + key[len(p.old):]
		}
	}
	return key
}
