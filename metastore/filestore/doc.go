// Package filestore is the metastore driver over a local directory (Open
// returns it in metastore's portable Store, which cleans paths, checks
// Close and ctx, counts metrics and words errors), laid out as Kylin's
// FileResourceStore lays it out: the resource /cube/c.json is
// the file <root>/cube/c.json. Kylin reads a directory we write, and we
// read a Kylin metadata backup (metastore.sh backup) as it is.
//
// Import it for its side effect to make metastore.Open accept a plain path
// ("/var/kylin/meta", Kylin's scheme "") or the "file" scheme
// ("/var/kylin/meta@file"); or call Open directly.
//
// # Timestamps
//
// A resource's timestamp is its file's modification time, set to the exact
// millisecond on every write. This is the one place Kylin looks
// (File.lastModified), so a Kylin process reading or writing the same
// directory sees exactly our timestamps and we see exactly its; a sidecar
// file would be a second truth that Kylin's writes would leave stale. Open
// checks that the file system keeps modification times to the millisecond
// (ext4, xfs, btrfs and tmpfs keep nanoseconds) and refuses the directory
// otherwise, naming the problem, instead of returning inexact timestamps.
// A file dated at or before 1970 (touch -d @0) reads as timestamp 1, since
// 0 means "no resource" to compare-and-set.
//
// # Writes
//
// Put, Delete and DeleteIf take the path's lock, compare the stored
// timestamp, and then change the directory:
//
//   - A Put writes the content to a new file in <root>/.kylin-go/tmp, sets its
//     modification time to the new timestamp, fsyncs it, renames it over the
//     resource's file and fsyncs the resource's directory. Rename is atomic:
//     a reader, in this process, in another one or in Kylin, sees the old
//     file or the new one, never a partial one, and a crash (even SIGKILL
//     or power loss after Put returned) leaves one of them whole.
//   - A Delete unlinks the file, fsyncs the directory and removes the
//     directories it left empty, so folders never linger after their last
//     resource goes (Kylin does not list empty directories either).
//
// Bulk (NewBulk) imports without those fsyncs, for filling a directory
// nobody uses yet (a backup, a restore, a seed): each import is still an
// atomic rename of a named temporary file, and Sync makes all of them
// durable at once with one syncfs(2) of the root's file system. On ext4,
// 10,000 files took 0.1 s to sync that way against 3.3-4.3 s for an fsync
// of every file and directory at the end (and far more for two fsyncs per
// import as they are written).
//
// The locks are spread over 64 stripes by a hash of the path. Each stripe is
// a one-slot channel (goroutines of one Store, waits honour ctx) and flock
// on an empty directory <root>/.kylin-go/locks/NN (other Stores and other
// processes on the same host). Waiting for another process polls
// flock(LOCK_NB) with a pause growing to 10 ms, since flock cannot be
// cancelled. Reads take no lock.
//
// # Why temporary files live in .kylin-go
//
// Kylin's FileResourceStore lists every regular file under a folder,
// recursively, hidden names included; only empty directories are invisible
// to it. A temporary or lock file next to the resources (/cube/.c.json.tmp)
// would be read by Kylin's managers as a resource, and a crash would leave
// it there for good. So filestore keeps to one directory at the root,
// .kylin-go, that holds only empty directories (the lock stripes) and the
// temporary files of writes in flight. List and Walk skip it, and paths
// under /.kylin-go are refused.
//
// A temporary file is created with O_TMPFILE: it has no name while it is
// written and fsynced, and gets one in .kylin-go/tmp only just before the
// rename that moves it into place. So even Kylin listing the root sees no
// temporary file, except for the few microseconds between those two calls;
// and a writer killed at any other point leaves nothing behind. (On a file
// system without O_TMPFILE, the file is named from the start.) Each writer
// holds flock on its temporary file, so Open removes exactly the temporary
// files whose writer died. The temporary directory must be on the root's
// file system (Open checks), since rename cannot cross file systems.
//
// # Paths
//
// Paths are cleaned by metastore.CleanPath (no "..", no empty segment, no
// NUL). Every call then resolves its path below the root's open descriptor
// with openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS) (or, on kernels before
// 5.6, one O_NOFOLLOW openat per component), and every create, rename and
// unlink is relative to a directory opened that way. A symbolic link inside
// the root, whatever it points to, is never followed: a call whose path
// crosses one fails with ErrInvalidPath, and List and Walk leave links out.
// The root itself may be a symbolic link; it is resolved once, at Open.
//
// A file system cannot hold a resource and a folder under one path, as a
// key-value store can: such a Put fails with ErrPathShape (Kylin's paths
// never need it).
//
// # Walk with a window
//
// A windowed Walk (what changed since) still visits every file under the
// folder: it decides with one fstatat per file, relative to the open
// directory, and opens only the files inside the window. There is no index
// or change journal, on purpose: the file's modification time is the one
// truth Kylin shares, and a Kylin process writing the directory rewrites
// files in place, which changes neither a journal of ours nor the
// directory's own modification time. A journal would miss those changes
// (the scheduler would not see a job Kylin resumed until a full rescan).
// The cost is one system call per resource per pass; on a store this
// large, prefer hbasestore or jdbcstore.
//
// # Limits
//
// Linux only (openat2, flock). The lock is flock, so processes sharing the
// directory must share the host: a directory on NFS is not supported for
// concurrent writers. A Kylin process writing the same directory takes none
// of these locks: its writes race ours as they race each other in Kylin
// (its compare-and-set is a check then a write). The root must be writable,
// since Open creates .kylin-go; to read a backup on read-only media, copy it.
package filestore
