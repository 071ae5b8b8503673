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
// hbase.client.operation.timeout and hbase.client.scanner.caching, and our
// own kylin.go.metadata.hbase-clock-skew (below); the rest are ignored. Without them the config.Metastore values apply (Kylin's
// kylin.metadata.hbase-* keys).
//
// # Windowed walks and cell time
//
// A Walk with a window [From, To) sends a filter on f:t to the region
// server, the exact test. When From is set it also sends a cell time range
// from From less a clock-skew margin, so that the region server skips the
// store files and memstore segments holding only older cells: a walk of
// what changed does not read years of history. Cells carry the region
// server's clock (Kylin and this driver leave cell timestamps to it) and
// f:t the writer's, so the margin is the clock skew tolerated between
// writers and region servers: the metadata URL parameter
// kylin.go.metadata.hbase-clock-skew, in milliseconds (default 300000,
// 5 minutes; "off" never prunes). Every walked or listed row shows how far
// its writer was ahead (f:t less its cell's timestamp); past half the
// margin the store logs a warning and stops pruning until it is reopened,
// and a pruned walk that meets a writer past the whole margin walks again
// unpruned, or fails when it has already delivered rows. Walks without
// From never prune.
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
// # Big cells
//
// Kylin keeps content longer than max(hbase.client.keyvalue.maxsize,
// 10 MiB) in an HDFS file, <kylin.env.hdfs-working-dir path>/<identifier
// with ':' as '-'>/resources<path>, and leaves an empty f:c as the marker.
// Like Kylin, the file system is kylin.storage.hbase.cluster-fs when set,
// else the HBase cluster's default file system: the metadata URL's
// kylin.storage.hbase.cluster-fs or fs.defaultFS parameter, else the
// authority of an hdfs://host:port kylin.env.hdfs-working-dir (the working
// directory's own scheme and authority are dropped, as Kylin does).
//
// With an HDFS named, Put and Import push such content down and reads
// follow the marker; an empty resource is also stored as an empty file
// behind the marker, since an empty f:c cannot mean empty bytes: Kylin reads
// it back as empty content too. A write holds a lease lock on the path
// (internal/hdfsfs.Lock, files under <resources>.kylin-go/locks), puts the
// new content in <file>.temp.<random> with its modification time set to the
// new timestamp, moves the committed file to <file>.orig.<old timestamp>,
// renames the new one into place and then commits the row by
// compare-and-set; it removes the backup after the commit, or moves it back
// on a conflict. A reader takes the file whose time is the row's timestamp,
// else that backup, else the file in place (a file Kylin wrote). So a
// writer killed at any point leaves the old resource or the new one
// readable, never a marker without its file; what it leaves behind (a
// temporary file, a backup, an uncommitted file in place) is an orphan that
// the next write of the path moves back or removes. Delete removes the row
// first, then the file (a crash in between leaves an orphan file, removed by
// the next write of the path). A marker whose file is missing reads as not
// found and is deleted, as Kylin does (only that marker: a check-and-delete
// on its timestamp). Kylin's own writers take no lock, so between a Kylin
// process and a Go one a big-cell write is as atomic as Kylin makes it.
//
// Without an HDFS, a Put larger than config.Metastore.MaxCellSize fails
// with metastore.ErrTooLarge, empty content is refused with
// metastore.ErrEmptyContent, and a row whose f:c is empty is reported as
// metastore.ErrExternalContent naming the HDFS file, never as empty bytes.
// The limits are declared to the portable Store (Capabilities), which
// refuses such a Put before any RPC. Resources become rows, and rows
// resources, in row.go (cells and decode) and, for big cells, bigcell*.go.
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
