package lazydeadline

import (
	"errors"
	"testing"
	"time"
)

// 100 requests 1 ms apart with 30 s deadlines install one deadline; an
// installed deadline is never before the asked one.
func TestInstallSkipsCoveredDeadlines(t *testing.T) {
	var installed time.Time
	var sets []time.Time
	set := func(d time.Time) error { sets = append(sets, d); return nil }
	now := time.Now()
	for i := range 100 {
		at := now.Add(time.Duration(i) * time.Millisecond)
		d := at.Add(30 * time.Second)
		if err := Install(&installed, d, at, set); err != nil {
			t.Fatal(err)
		}
		if installed.Before(d) {
			t.Fatalf("request %d: installed %v before the asked %v", i, installed, d)
		}
		if installed.Sub(d) > MaxSlack {
			t.Fatalf("request %d: installed %v more than %v after the asked %v", i, installed, MaxSlack, d)
		}
	}
	if len(sets) != 1 {
		t.Fatalf("%d deadlines installed for 100 requests 1 ms apart; want 1", len(sets))
	}
	Install(&installed, now.Add(40*time.Second), now, set) // past the slack: installed
	Install(&installed, time.Time{}, now, set)             // cleared
	Install(&installed, time.Time{}, now, set)             // already clear
	if len(sets) != 3 || !sets[2].IsZero() {
		t.Fatalf("deadlines set %v; want the first, the one past the slack, one zero", sets)
	}
}

// An earlier deadline than the installed one is always installed.
func TestInstallEarlierDeadline(t *testing.T) {
	var installed time.Time
	set := func(time.Time) error { return nil }
	now := time.Now()
	Install(&installed, now.Add(time.Minute), now, set)
	want := now.Add(time.Second)
	Install(&installed, want, now, set)
	if installed.Before(want) || installed.Sub(want) > MaxSlack {
		t.Fatalf("installed %v for a deadline of %v", installed, want)
	}
}

// A failed set leaves nothing recorded, so the next call tries again.
func TestInstallFailure(t *testing.T) {
	var installed time.Time
	boom := errors.New("boom")
	if err := Install(&installed, time.Now().Add(time.Second), time.Now(), func(time.Time) error { return boom }); err != boom {
		t.Fatalf("Install = %v; want the set error", err)
	}
	if !installed.IsZero() {
		t.Fatalf("installed %v after a failed set; want none", installed)
	}
}
