//go:build linux

package filestore

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/metastore"
)

// The cross-process and crash tests re-execute the test binary as a second
// process: the child runs the named test, which sees envChild and plays its
// part instead of the parent's.
const (
	envChild = "KYLIN_FILESTORE_TEST_CHILD" // child role: "cas" or "crash"
	envDir   = "KYLIN_FILESTORE_TEST_DIR"   // the store's directory
)

// child starts this test binary running test as role on dir, with its
// stdout piped to the caller.
func startChild(t *testing.T, test, role, dir string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChild+"="+role, envDir+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewReader(out)
}

// readTagged returns the text after the next stdout line starting with tag.
func readTagged(r *bufio.Reader, tag string) (string, error) {
	for {
		line, err := r.ReadString('\n')
		if rest, ok := strings.CutPrefix(line, tag+" "); ok {
			return strings.TrimSpace(rest), nil
		}
		if err != nil {
			if err == io.EOF {
				return "", fmt.Errorf("child exited before printing %q", tag)
			}
			return "", err
		}
	}
}

// Values written by these tests carry a sequence number and a checksum,
// so a torn (partly written) file cannot pass for a value.
func encodeValue(seq uint64, size int) []byte {
	b := make([]byte, size)
	binary.BigEndian.PutUint64(b, seq)
	for n := 8; n < size-4; n *= 2 { // the sequence number, repeated
		copy(b[n:size-4], b[:n])
	}
	binary.BigEndian.PutUint32(b[size-4:], crc32.ChecksumIEEE(b[:size-4]))
	return b
}

var errTorn = errors.New("torn value")

func decodeValue(b []byte) (uint64, error) {
	if len(b) < 12 {
		return 0, fmt.Errorf("%w: %d bytes", errTorn, len(b))
	}
	n := len(b) - 4
	if crc32.ChecksumIEEE(b[:n]) != binary.BigEndian.Uint32(b[n:]) {
		return 0, fmt.Errorf("%w: checksum mismatch over %d bytes", errTorn, len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

// increment reads the counter at p and writes counter+1 with
// compare-and-set. ok is false on a conflict.
func increment(ctx context.Context, s metastore.Store, p string, size int) (ok bool, err error) {
	r, err := s.Get(ctx, p)
	if err != nil {
		return false, err
	}
	n, err := decodeValue(r.Content)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", p, err)
	}
	_, err = s.Put(ctx, p, encodeValue(n+1, size), r.Timestamp)
	if errors.Is(err, metastore.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}
