// Package lazydeadline installs connection deadlines lazily, for the
// router's data planes. Installing a deadline on a connection costs more
// than anything else a proxy adds to a small request, and the deadlines of
// consecutive requests on a kept-alive connection are nearly the same.
package lazydeadline

import "time"

// MaxSlack bounds how late a lazily installed deadline may fire.
const MaxSlack = time.Second

// Install installs a deadline (through set) at or shortly after t unless
// the one installed already is, and records it in installed. The deadline
// goes in a little later than asked (an eighth of the time left from now,
// at most MaxSlack), so that every later request whose deadline it still
// covers within that slack skips the call. A request that overruns is cut
// off up to one slack late, never early. now is the caller's clock
// reading; an old one only makes the slack larger. A zero t clears the
// deadline (once).
func Install(installed *time.Time, t, now time.Time, set func(time.Time) error) error {
	if t.IsZero() {
		if installed.IsZero() {
			return nil
		}
		*installed = time.Time{}
		return set(t)
	}
	slack := min(MaxSlack, max(0, t.Sub(now)/8))
	if !installed.IsZero() && !installed.Before(t) && installed.Sub(t) <= slack {
		return nil
	}
	at := t.Add(slack)
	if err := set(at); err != nil {
		return err
	}
	*installed = at
	return nil
}
