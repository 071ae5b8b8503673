package hdfsfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"time"

	"github.com/colinmarc/hdfs/v2"
)

// closeBackoff bounds the wait between Close retries while the NameNode
// waits for the DataNode's report of the last block.
const (
	closeBackoffMin = 10 * time.Millisecond
	closeBackoffMax = 200 * time.Millisecond
)

// CreateFile writes data to a new file name (the parent is created; an
// existing file is an error matching os.ErrExist) and closes it, retrying
// the close while the NameNode reports "replication in progress", which is
// documented as safe to retry. On error the partial file is removed.
func CreateFile(ctx context.Context, c *hdfs.Client, name string, data []byte) error {
	if err := c.MkdirAll(path.Dir(name), 0o755); err != nil {
		return err
	}
	w, err := c.Create(name)
	if err != nil {
		return err
	}
	// A write of nothing would open a block that never completes.
	if len(data) > 0 {
		if _, err := w.Write(data); err != nil {
			w.Close()
			c.Remove(name)
			return err
		}
	}
	if err := CloseWriter(ctx, w); err != nil {
		c.Remove(name)
		return err
	}
	return nil
}

// closeRetryLimit bounds the retries of one close when ctx has no deadline.
const closeRetryLimit = 2 * time.Minute

// CloseWriter closes w, retrying while hdfs.IsErrReplicating, until ctx is
// done or, without a deadline, for at most two minutes.
func CloseWriter(ctx context.Context, w *hdfs.FileWriter) error {
	wait := closeBackoffMin
	ctx, cancel := context.WithTimeout(ctx, closeRetryLimit)
	defer cancel()
	for {
		err := w.Close()
		if !hdfs.IsErrReplicating(err) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, closeBackoffMax)
	}
}

// ErrIsDir is returned by ReadFile for a directory.
var ErrIsDir = errors.New("is a directory")

// ReadFile returns the content of name and its status.
func ReadFile(c *hdfs.Client, name string) ([]byte, os.FileInfo, error) {
	r, err := c.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	fi := r.Stat()
	if fi.IsDir() {
		return nil, nil, &os.PathError{Op: "open", Path: name, Err: ErrIsDir}
	}
	data := make([]byte, fi.Size())
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, fi, nil
}

// ModMillis is a file's modification time in milliseconds, as HDFS keeps it.
func ModMillis(fi os.FileInfo) int64 { return fi.ModTime().UnixMilli() }

// errReplaced is returned by ReadStable for a file replaced while read.
var errReplaced = errors.New("replaced while read")

// ReadStable is ReadFile that also checks that name was not replaced (a
// rename over it makes a new file) between its status and the end of the
// read: otherwise the status and the blocks may belong to different files.
// A replaced file gives an error; read again.
func ReadStable(c *hdfs.Client, name string) ([]byte, os.FileInfo, error) {
	data, fi, err := ReadFile(c, name)
	if err != nil {
		return nil, nil, err
	}
	after, err := c.Stat(name)
	if err != nil {
		return nil, nil, err
	}
	if FileID(fi) != FileID(after) {
		return nil, nil, &os.PathError{Op: "read", Path: name, Err: errReplaced}
	}
	return data, fi, nil
}

// FileID is the inode id HDFS gives each file; a rename keeps it, a new
// file has another.
func FileID(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(interface{ GetFileId() uint64 }); ok {
		return st.GetFileId()
	}
	return 0
}
