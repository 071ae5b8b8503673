package scheduler

import (
	"errors"
	"testing"
)

// TestTransitions checks all 36 (from, to) pairs against Kylin's table,
// written out again here so a change to the table must change the test.
func TestTransitions(t *testing.T) {
	allowed := map[[2]State]bool{
		{StateReady, StateRunning}: true, {StateReady, StateError}: true,
		{StateReady, StateDiscarded}: true, {StateReady, StateStopped}: true,
		{StateRunning, StateReady}: true, {StateRunning, StateSucceed}: true,
		{StateRunning, StateError}: true, {StateRunning, StateDiscarded}: true,
		{StateRunning, StateStopped}: true,
		{StateStopped, StateReady}:   true, {StateStopped, StateDiscarded}: true,
		{StateError, StateReady}: true, {StateError, StateDiscarded}: true,
		{StateSucceed, StateReady}: true,
	}
	var ok, refused int
	for _, from := range States {
		for _, to := range States {
			want := from == to || allowed[[2]State{from, to}]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			err := checkTransition("/p", from, to)
			if want != (err == nil) || (!want && !errors.Is(err, ErrIllegalTransition)) {
				t.Errorf("checkTransition(%s, %s) = %v", from, to, err)
			}
			if want {
				ok++
			} else {
				refused++
			}
		}
	}
	if ok != 20 || refused != 16 {
		t.Errorf("allowed %d, refused %d; want 20 and 16", ok, refused)
	}
	if CanTransition("PAUSED", "PAUSED") {
		t.Error("an unknown state must not transition, not even to itself")
	}
}

func TestParseState(t *testing.T) {
	for _, s := range States {
		if got, err := ParseState(string(s)); err != nil || got != s {
			t.Errorf("ParseState(%s) = %v, %v", s, got, err)
		}
	}
	if got, err := ParseState(""); err != nil || got != StateReady {
		t.Errorf(`ParseState("") = %v, %v; want READY`, got, err)
	}
	if got, err := ParseState(" succeed "); err != nil || got != StateSucceed {
		t.Errorf("ParseState(lower case) = %v, %v", got, err)
	}
	for _, bad := range []string{"PAUSED", "SUICIDAL", "x"} {
		if _, err := ParseState(bad); err == nil {
			t.Errorf("ParseState(%q) accepted", bad)
		}
	}
}

func TestFinal(t *testing.T) {
	for _, s := range States {
		want := s == StateSucceed || s == StateDiscarded
		if s.Final() != want {
			t.Errorf("%s.Final() = %v", s, s.Final())
		}
	}
}
