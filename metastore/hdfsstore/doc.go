// Package hdfsstore is the metastore backend for Kylin's "hdfs" scheme
// (HDFSResourceStore): "kylin_metadata@hdfs,path=hdfs://namenode:8020/kylin/meta".
//
// The layout is Kylin's: resource /cube/x.json is the file
// <path>/cube/x.json, and its timestamp is the file's modification time in
// milliseconds (kept exactly: see internal/hdfsfs.SetTimes). Kylin and
// kylin-go read and write the same directory.
//
// Compare-and-set is atomic among kylin-go writers, where Kylin's is a
// check then a write: a writer takes a lease lock (internal/hdfsfs.Lock) on
// one of 64 lock files chosen by the path, checks the stored modification
// time, writes the new content to a temporary file, sets its time, and
// renames it over the resource (an atomic replace in HDFS). Readers never
// see a partly written resource, and a writer killed at any point leaves the
// old resource or the new one. Kylin's own writers take no lock, so against
// a Kylin process writing the same path the check and the write are not
// atomic, exactly as between two Kylin processes.
//
// kylin-go's private files live beside the metadata directory, never in it,
// so Kylin's listings do not see them: <path>.kylin-go/locks/0..63 and
// <path>.kylin-go/tmp/. A writer killed before its rename leaves a file in
// tmp/; Open removes those older than an hour. A writer killed while it held
// a lock delays writers of the paths that share that lock until the NameNode
// expires its lease (the soft limit, 60 s by default).
//
// The HDFS user is HADOOP_USER_NAME when set (as with Hadoop's SIMPLE
// authentication), else the OS user. Kerberos is not supported.
//
// Capabilities: empty content is stored (an empty file); no size limit;
// folders stay listed once empty (directories are not removed), as with
// Kylin's stores on file systems.
package hdfsstore
