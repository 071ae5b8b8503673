// Package hbasestore is the metastore driver on HBase with Kylin's
// HBaseResourceStore schema, so that Kylin servers and Go services can share
// one metastore (Open returns it in metastore's portable Store, which cleans
// paths, checks Close and ctx, enforces the content limits below, counts
// metrics and words errors):
//
//	table      the metadata URL's identifier ("kylin_metadata")
//	family     f (IN_MEMORY=true)
//	f:c        the content bytes
//	f:t        the timestamp, 8-byte big-endian milliseconds
//	row key    the resource path's bytes ("/cube/x.json")
//
// It registers the "hbase" scheme, so a host that imports it can open
//
//	metastore.Open(ctx, "kylin_metadata@hbase,hbase.zookeeper.quorum=zk1:2181")
//
// The URL parameters Kylin copies into its HBase configuration are read:
// hbase.zookeeper.quorum (required), hbase.zookeeper.property.clientPort,
// zookeeper.znode.parent, zookeeper.session.timeout, hbase.rpc.timeout,
// hbase.client.retries.number, hbase.client.pause,
// hbase.client.operation.timeout and hbase.client.scanner.caching; the rest
// are ignored. Without them the config.Metastore values apply (Kylin's
// kylin.metadata.hbase-* keys).
//
// A region in transition (split, move) refuses requests without applying
// them, for about a second or two. Such refusals are retried past
// hbase.client.retries.number for up to config.Metastore.HBaseRegionWait
// (kylin.go.metadata.hbase-region-wait, 30 s), so that a metadata write
// does not fail because HBase split its region under Kylin's 3 retries.
//
// # Compare-and-set
//
// Put is HBase CheckAndPut on f:t: equal to the old timestamp, or absent
// when it is 0. When an attempt's outcome is unknown (the connection broke
// or the attempt timed out after the request left), Put tries again, and if
// that attempt finds the condition false it reads the row back: when it
// holds this Put's new timestamp and content, the first attempt succeeded
// and Put reports success (Kylin's KYLIN-4819 check, with the content
// compared too, so a writer that lost never reports success). The check
// runs only after an unknown outcome.
//
// # Content limits
//
// Kylin pushes content larger than the cell limit to HDFS and leaves an
// empty f:c as the marker. This package has no HDFS: a Put larger than
// config.Metastore.MaxCellSize fails with metastore.ErrTooLarge, empty
// content is refused with metastore.ErrEmptyContent, and a row whose f:c is
// empty is reported as metastore.ErrExternalContent naming the HDFS file
// (<kylin.env.hdfs-working-dir>/<identifier>/resources<path>), never as
// empty bytes. The limits are declared to the portable Store
// (Capabilities), which refuses such a Put before any RPC. Resources become
// rows, and rows resources, in one file, row.go (cells and decode).
//
// # Table
//
// Open creates the table when it is missing (pre-split tables made by hand
// or by Kylin are used as they are). Tables created here also set
// NEW_VERSION_BEHAVIOR=true on f, so that a path deleted and written again
// within one millisecond is not hidden by the delete marker (HBase's
// classic same-timestamp masking); Kylin reads such tables unchanged.
// Open writes /UUID when it is missing.
package hbasestore
