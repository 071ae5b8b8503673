// Package bigcell keeps the content of Kylin's big cells in HDFS: content a
// metadata table's cell cannot hold lives in a file named after the
// resource path, and the row is a marker (PushdownResourceStore in Kylin,
// shared by its HBase and JDBC stores). hbasestore and jdbcstore decide
// which content goes there and write the marker row; this package does the
// file side the same way for both:
//
//   - a write holds a lease lock on the path (hdfsfs.Lock, files under
//     <root>.kylin-go/locks, striped), puts the new content in
//     <file>.temp.<random> with its modification time set to the new
//     timestamp, moves the committed file to <file>.orig.<old timestamp>,
//     renames the new one into place and then lets the backend commit the
//     row (a compare-and-set); it removes the backup after the commit, or
//     moves it back on a refusal;
//   - a reader takes the file whose time is the row's timestamp, else the
//     backup named after that timestamp, else the file in place (a file
//     Kylin wrote, whose time is the time of writing).
//
// So a writer killed at any point leaves the old resource or the new one
// readable, never a marker without its file; what it leaves behind is an
// orphan that the next write of the path moves back or removes.
package bigcell
