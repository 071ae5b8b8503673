// Package configtest checks that a constructor takes its defaults from
// config and re-derives none: given a zero section it must end up with
// exactly the settings it gets from config.Default()'s section.
package configtest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// SameAsDefaults fails t unless build(zero) and build(defaults) give the
// same effective settings. build is the constructor's own path from a
// section to what it runs with (its settings struct or the section after
// its defaults); zero is the zero section plus only what the constructor
// requires (a ZooKeeper address), defaults is config.Default()'s section
// with the same additions. A constructor that fills a zero field from
// anywhere but config, or with another value, fails, naming the field.
func SameAsDefaults[S, E any](t testing.TB, build func(S) (E, error), zero, defaults S) {
	t.Helper()
	got, err := build(zero)
	if err != nil {
		t.Errorf("the zero section (zero fields take the defaults) is refused: %v", err)
		return
	}
	want, err := build(defaults)
	if err != nil {
		t.Errorf("config's defaults are refused: %v", err)
		return
	}
	if diff := Diff(got, want); diff != "" {
		t.Errorf("a zero section does not give config's defaults (re-derived here?):\n%s", diff)
	}
}

// Diff lists the fields (unexported ones too) where a and b differ, one
// "field: zero section gives X, defaults give Y" a line; "" when equal.
func Diff[E any](a, b E) string {
	if reflect.DeepEqual(a, b) {
		return ""
	}
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for va.Kind() == reflect.Pointer && !va.IsNil() && !vb.IsNil() {
		va, vb = va.Elem(), vb.Elem()
	}
	if va.Kind() != reflect.Struct {
		return fmt.Sprintf("zero section gives %v, defaults give %v", a, b)
	}
	var lines []string
	for i := range va.NumField() {
		fa, fb := va.Field(i), vb.Field(i)
		if !reflect.DeepEqual(valueOf(fa), valueOf(fb)) {
			lines = append(lines, fmt.Sprintf("%s: zero section gives %v, defaults give %v",
				va.Type().Field(i).Name, fa, fb))
		}
	}
	return strings.Join(lines, "\n")
}

// valueOf compares unexported fields too: fmt's rendering is what differs.
func valueOf(v reflect.Value) any {
	if v.CanInterface() {
		return v.Interface()
	}
	return fmt.Sprintf("%#v", v)
}

// Recorder is a testing.TB that records failures instead of failing: the
// negative controls run SameAsDefaults on a broken constructor through
// it and assert that it failed.
type Recorder struct {
	testing.TB
	Failures []string
}

// Errorf records a failure.
func (r *Recorder) Errorf(format string, args ...any) {
	r.Failures = append(r.Failures, fmt.Sprintf(format, args...))
}

// Helper does nothing.
func (r *Recorder) Helper() {}

// MustCatch runs check against a Recorder and fails t unless check
// recorded a failure: the negative control of SameAsDefaults.
func MustCatch(t *testing.T, what string, check func(tb testing.TB)) {
	t.Helper()
	r := &Recorder{TB: t}
	check(r)
	if len(r.Failures) == 0 {
		t.Errorf("negative control: %s was not caught", what)
		return
	}
	t.Logf("negative control caught %s: %s", what, r.Failures[0])
}
