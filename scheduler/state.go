package scheduler

import (
	"fmt"
	"strings"
)

// State is a job's or a step's status, as Kylin 3.x writes it in
// /execute_output records.
type State string

// Kylin 3.x states. There is no PAUSED: a paused job is STOPPED.
const (
	StateReady     State = "READY"
	StateRunning   State = "RUNNING"
	StateError     State = "ERROR"
	StateStopped   State = "STOPPED"
	StateDiscarded State = "DISCARDED"
	StateSucceed   State = "SUCCEED"
)

// States lists every state in Kylin's declaration order.
var States = []State{StateReady, StateRunning, StateError, StateStopped, StateDiscarded, StateSucceed}

// transitions is Kylin's ExecutableState table. Writing the same state again
// is always allowed and is not listed.
var transitions = map[State][]State{
	StateReady:     {StateRunning, StateError, StateDiscarded, StateStopped},
	StateRunning:   {StateReady, StateSucceed, StateError, StateDiscarded, StateStopped},
	StateStopped:   {StateReady, StateDiscarded},
	StateError:     {StateReady, StateDiscarded},
	StateSucceed:   {StateReady},
	StateDiscarded: nil,
}

// ParseState parses a status string; the empty string is READY, Kylin's
// default for an output record written without a status.
func ParseState(s string) (State, error) {
	if s == "" {
		return StateReady, nil
	}
	st := State(strings.ToUpper(strings.TrimSpace(s)))
	if _, ok := transitions[st]; !ok {
		return "", fmt.Errorf("scheduler: unknown state %q; use one of READY, RUNNING, ERROR, STOPPED, DISCARDED, SUCCEED", s)
	}
	return st, nil
}

// Final reports whether nothing but a rollback can move the state on
// (SUCCEED, DISCARDED).
func (s State) Final() bool { return s == StateSucceed || s == StateDiscarded }

// CanTransition reports whether Kylin allows from -> to.
func CanTransition(from, to State) bool {
	if from == to {
		_, known := transitions[from]
		return known
	}
	for _, t := range transitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

func checkTransition(path string, from, to State) error {
	if !CanTransition(from, to) {
		return fmt.Errorf("%w: %s: %s -> %s", ErrIllegalTransition, path, from, to)
	}
	return nil
}
