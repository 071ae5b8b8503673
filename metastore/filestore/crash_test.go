//go:build linux

package filestore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	crashPath   = "/big/value.bin"
	crashBytes  = 1 << 20 // each write is 1 MiB: killing mid-write is likely
	crashRounds = 6
)

// TestKilledWriterLeavesOldOrNew kills (SIGKILL, at a random point) a child
// process that writes 1 MiB values in a loop. The resource
// must then hold the last value the child reported or the one after it, whole;
// no temporary file may be visible to List, Walk or Kylin; and the next Open
// removes the dead writer's temporary file.
func TestKilledWriterLeavesOldOrNew(t *testing.T) {
	if role := os.Getenv(envChild); role != "" {
		crashChild(t, role)
		return
	}
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, crashPath, encodeValue(0, crashBytes), 0); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, role := range []string{"crash", "crash-named"} {
		leftovers := 0
		for range crashRounds {
			last := killWriter(t, dir, role)
			leftovers += checkAfterKill(t, dir, last)
		}
		t.Logf("%s: %d kills, %d temporary files left by killed writers (all removed at the next Open), 0 torn values",
			role, crashRounds, leftovers)
	}
}

// killWriter runs the writer child, kills it at a random point after it
// reported 1-3 writes, and returns the last write it reported.
func killWriter(t *testing.T, dir, role string) uint64 {
	t.Helper()
	cmd, out := startChild(t, "TestKilledWriterLeavesOldOrNew", role, dir)
	var last uint64
	for range 1 + rand.IntN(3) {
		line, err := readTagged(out, "wrote")
		if err != nil {
			t.Fatal(err)
		}
		last, _ = strconv.ParseUint(line, 10, 64)
	}
	// A random point in the writes that follow (writing, fsync, rename...).
	<-time.After(time.Duration(rand.IntN(20_000)) * time.Microsecond)
	cmd.Process.Signal(syscall.SIGKILL)
	// Writes reported before the kill may still sit in the pipe.
	for {
		line, err := readTagged(out, "wrote")
		if err != nil {
			break
		}
		last, _ = strconv.ParseUint(line, 10, 64)
	}
	cmd.Wait()
	return last
}

// checkAfterKill verifies the directory after a kill and returns how many
// temporary files the killed writer left.
func checkAfterKill(t *testing.T, dir string, last uint64) int {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(crashPath)))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkOldOrNew(raw, last); err != nil {
		t.Fatal(err)
	}
	// A dead writer's temporary file can only be in .kylin-go/tmp.
	want := []string{"/UUID", crashPath}
	tmp := filepath.Join(dir, internalDir, "tmp")
	before, _ := os.ReadDir(tmp)
	for _, e := range before {
		want = append(want, "/"+internalDir+"/tmp/"+e.Name())
	}
	slices.Sort(want)
	if got := kylinFiles(t, dir); !slices.Equal(got, want) {
		t.Fatalf("after kill the directory holds %q, want %q", got, want)
	}
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := kylinFiles(t, dir); !slices.Equal(got, []string{"/UUID", crashPath}) {
		t.Fatalf("after the next Open Kylin would see %q, want only the resources", got)
	}
	ctx := context.Background()
	got, err := s.List(ctx, "/")
	if err != nil || !slices.Equal(got, []string{"/UUID", "/big"}) {
		t.Fatalf("List(/) = %q, %v", got, err)
	}
	r, err := s.Get(ctx, crashPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkOldOrNew(r.Content, last); err != nil {
		t.Fatal(err)
	}
	return len(before)
}

// checkOldOrNew accepts the last reported value or the next one, whole.
func checkOldOrNew(raw []byte, last uint64) error {
	n, err := decodeValue(raw)
	if err != nil {
		return fmt.Errorf("after SIGKILL the resource is %w", err)
	}
	if n != last && n != last+1 {
		return fmt.Errorf("after SIGKILL the resource holds write %d; want %d (old) or %d (new)", n, last, last+1)
	}
	return nil
}

// crashChild writes until killed, reporting each write. Its role says
// whether temporary files are anonymous ("crash") or named
// ("crash-named"), and, after a '@', the step of the first Put at which to
// stop and wait for the kill.
func crashChild(t *testing.T, role string) {
	role, stopAt, _ := strings.Cut(role, "@")
	tryTmpfile = role != "crash-named"
	if stopAt != "" {
		stageHook = func(step string) {
			if step == stopAt {
				fmt.Printf("stopped %s\n", step)
				time.Sleep(time.Hour) // until the parent's SIGKILL
			}
		}
	}
	ctx := context.Background()
	s, err := Open(ctx, os.Getenv(envDir))
	if err != nil {
		t.Fatal(err)
	}
	for {
		r, err := s.Get(ctx, crashPath)
		if err != nil {
			t.Fatal(err)
		}
		n, err := decodeValue(r.Content)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Put(ctx, crashPath, encodeValue(n+1, crashBytes), r.Timestamp); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("wrote %d\n", n+1)
	}
}

// TestKillCheckCatchesTornValue is the negative control: a value cut short,
// as an in-place writer killed mid-write would leave it, must be reported.
func TestKillCheckCatchesTornValue(t *testing.T) {
	v := encodeValue(7, crashBytes)
	if err := checkOldOrNew(v[:crashBytes/2], 6); !errors.Is(err, errTorn) {
		t.Fatalf("torn value not reported: %v", err)
	}
	if err := checkOldOrNew(encodeValue(3, crashBytes), 6); err == nil {
		t.Fatal("an older value than the last write passed")
	}
	if err := checkOldOrNew(v, 6); err != nil {
		t.Fatalf("a whole new value was refused: %v", err)
	}
}

// TestKilledAtEachStep stops a writer at each step of a Put (content
// written, fsynced, named, renamed) and kills it there: before the rename
// the old value must remain, after it the new one, and the temporary files
// left must be exactly those the design predicts, all invisible to List
// and removed by the next Open.
func TestKilledAtEachStep(t *testing.T) {
	if role := os.Getenv(envChild); role != "" {
		crashChild(t, role)
		return
	}
	// leftover[mode][step]: temporary files a kill at step leaves.
	leftover := map[string]map[string]int{
		"crash":       {"written": 0, "synced": 0, "linked": 1, "renamed": 0},
		"crash-named": {"written": 1, "synced": 1, "linked": 1, "renamed": 0},
	}
	for mode, steps := range leftover {
		for _, step := range []string{"written", "synced", "linked", "renamed"} {
			t.Run(mode+"@"+step, func(t *testing.T) {
				dir := t.TempDir()
				s, err := Open(context.Background(), dir)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.Put(context.Background(), crashPath, encodeValue(5, crashBytes), 0); err != nil {
					t.Fatal(err)
				}
				s.Close()
				cmd, out := startChild(t, "TestKilledAtEachStep", mode+"@"+step, dir)
				if _, err := readTagged(out, "stopped"); err != nil {
					t.Fatal(err)
				}
				cmd.Process.Signal(syscall.SIGKILL)
				io.Copy(io.Discard, out)
				cmd.Wait()
				raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(crashPath)))
				if err != nil {
					t.Fatal(err)
				}
				n, err := decodeValue(raw)
				want := uint64(5)
				if step == "renamed" {
					want = 6
				}
				if err != nil || n != want {
					t.Fatalf("killed at %s: value %d, %v; want %d", step, n, err, want)
				}
				if got := checkAfterKill(t, dir, want); got != steps[step] {
					t.Fatalf("killed at %s: %d temporary files left, want %d", step, got, steps[step])
				}
			})
		}
	}
}
