// Package config turns a Kylin kylin.properties into a typed Config. It is
// a leaf package (it imports no package of ours) and the one place that
// knows key names and defaults; every other package takes only the
// sub-struct it needs (config.Job, config.ZooKeeper, ...), so a host
// without a properties file fills that sub-struct by hand, starting from
// Default().
//
// # Loading
//
// Load(dir) reads dir/kylin.properties, then dir/kylin.properties.override
// if it exists; a key in a later file wins, as in Kylin. Each file then
// goes through the same steps as in Kylin 3.x:
//
//   - Old key names are renamed (kylin.rest.servers ->
//     kylin.server.cluster-servers, prefix kylin.scheduler. ->
//     kylin.job.scheduler.provider., ...), following Kylin's
//     kylin-backward-compatibility.properties; each rename is also a
//     warning. Within one file, the line read last wins.
//   - Values are trimmed.
//   - ${NAME} is replaced by the environment variable NAME. An unset
//     variable stays as written, $${NAME} is the literal ${NAME}, and one
//     property never expands another.
//     Kylin substitutes defaults too; ours hold no ${...}, so that is moot.
//
// Derived fields follow Kylin: Server.ClusterName defaults to the metadata
// URL identifier; ZooKeeper.ConnectString, when
// kylin.env.zookeeper-connect-string is unset, comes from the metadata
// URL's hbase.zookeeper.quorum (with hbase.zookeeper.property.clientPort,
// 2181 by default, added to hosts without a port); Kylin's lock class
// names (kylin.metadata.distributed-lock-impl, kylin.job.lock) become
// ZooKeeper.LockBackend unless our kylin.go.lock.backend is set.
//
// # Checking
//
// Validate returns every problem at once, each naming the key, the file,
// the value and what is allowed. Load and LoadFiles return Validate's
// error together with the filled Config. Config.Warnings lists what was
// accepted but looks wrong: renamed keys, a kylin.* key one or two edits
// away from a key we read (with the suggestion), an unknown kylin.go.* key,
// a ZooKeeper lock backend with no ZooKeeper address. The hundreds of
// other real Kylin keys pass quietly and are kept in Config.Raw.
//
// # Defaults in code
//
// Each section (Metastore, Server, Broadcast, ZooKeeper, Job, Query,
// Storage, Security, HTTP) has WithDefaults, which fills its zero fields
// from Default(), and Validate, which checks it alone. Constructors take a
// section and call both, so a zero field always means the default and
// they derive nothing of their own. Turning something off is explicit:
// None for a count, size, share or wait (written 0 in a file), a field of
// its own for a feature (Query.NoHealthCheck).
//
// Keys returns the table of every key read here (Kylin's and ours, with
// defaults); KEYS.md is generated from it. Keys that are ours start with
// kylin.go.
//
// Where this package is stricter than Kylin: a boolean must be true or
// false (Kylin reads anything else as false), and a number that does not
// parse is an error rather than a failure the first time it is used.
package config
