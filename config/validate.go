package config

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Validate checks every field and returns all problems joined
// (errors.Join), or nil. Each message names the key, the file it came from
// (from Sources), the value and what is allowed, e.g.
//
//	config: kylin.job.scheduler.default=3 in /etc/kylin/kylin.properties: must be 0, 2, 100 or 77
//
// A field set in code, not from a file, is named by its key too. Values
// Load could not convert (a number that is not one, an unknown lock class)
// are reported here as well, and stay reported even if the field is later
// set in code: the file is what needs fixing.
func (c Config) Validate() error {
	v := validator{c: &c}
	for _, e := range c.loadErrs {
		v.errs = append(v.errs, e.err)
	}
	v.metastore()
	v.server()
	v.broadcast()
	v.zooKeeper()
	v.job()
	v.query()
	v.storage()
	v.users()
	v.security()
	v.http()
	v.broadcastTLS()
	return errors.Join(v.errs...)
}

type validator struct {
	c    *Config
	errs []error
}

// check records a problem with key unless ok. shown is the value as it
// would be written in the file, used when the key is not in Raw.
func (v *validator) check(ok bool, key, shown, allowed string) {
	if ok || v.failed(key) {
		return
	}
	v.errs = append(v.errs, v.c.problem(key, shown, allowed))
}

// failed reports whether key already has a load error, so that a value
// that did not convert is not also reported as its default.
func (v *validator) failed(key string) bool {
	for _, e := range v.c.loadErrs {
		if e.key == key {
			return true
		}
	}
	return false
}

// loadErr is a value Load could not convert.
type loadErr struct {
	key string
	err error
}

// problem formats one message: key=value, where it came from, what is allowed.
func (c *Config) problem(key, shown, allowed string) error {
	value := shown
	if raw, ok := c.Raw[key]; ok {
		value = raw
	}
	value = clipValue(redact(key, value))
	where := "(not from a file: the default or set in code)"
	if c.section {
		return fmt.Errorf("config: %s=%s: %s", key, value, allowed)
	}
	if src, ok := c.Sources[key]; ok {
		where = "in " + src
		if old := c.writtenAs[key]; old != "" {
			where += " (written as " + old + ")"
		}
	}
	return fmt.Errorf("config: %s=%s %s: %s", key, value, where, allowed)
}

func (v *validator) positiveMs(d time.Duration, field string) {
	v.check(d > 0, keyForField(field), formatMillis(d), "must be more than 0 ms")
}

func (v *validator) positiveSec(d time.Duration, field string) {
	// A file gives whole seconds; code may ask for less (tests poll fast).
	v.check(d > 0, keyForField(field), formatSeconds(d), "must be at least 1 second")
}

func (v *validator) atLeast(n, min int64, field string) {
	v.check(n >= min, keyForField(field), fmt.Sprint(n), fmt.Sprintf("must be at least %d", min))
}

func (v *validator) share(f float64, field string) {
	v.check(f >= 0 && f <= 1, keyForField(field), fmt.Sprint(f), "must be from 0 to 1")
}

func (v *validator) shareOrNone(f float64, field string) {
	if f != None {
		v.share(f, field)
	}
}

// orNone is ok for a field that takes None: the value None passes.
func orNone[T ~int | ~int64 | ~float64](n T, ok bool) bool { return ok || n == None }

// count checks a field that takes None: at least 0, or None.
func (v *validator) count(n int64, field string) {
	v.check(orNone(n, n >= 0), keyForField(field), fmt.Sprint(n), "must be at least 0 (0 in a file, None in code: none)")
}

func (v *validator) metadataURL(s, field string) {
	_, err := ParseMetadataURL(s)
	msg := ""
	if err != nil {
		msg = strings.TrimPrefix(err.Error(), "config: ")
	}
	v.check(err == nil, keyForField(field), s, msg)
}

// clipValue keeps messages short: at most maxQuoted bytes of a value.
func clipValue(v string) string {
	if len(v) <= maxQuoted {
		return v
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", v[:cut], len(v))
}
