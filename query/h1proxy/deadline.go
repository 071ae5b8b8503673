package h1proxy

import "time"

// maxSlack bounds how late a lazily installed deadline may fire.
const maxSlack = time.Second

// coarse installs a deadline (through set) at or shortly after t unless the
// one installed already is. Installing a deadline costs more than the rest
// of what the proxy adds to a request, so it is done lazily: the deadline
// goes in a little later than asked (an eighth of the time left, at most
// maxSlack), and every later request whose deadline the installed one still
// covers within that slack skips the call. A request that overruns is cut
// off up to one slack late, never early. (The same idea as
// query/fastproxy's coarseConn, over a connection we own.) now is the
// caller's clock reading, which may be a little old: the slack then only
// grows.
func coarse(installed *time.Time, t, now time.Time, set func(time.Time) error) error {
	if t.IsZero() {
		if installed.IsZero() {
			return nil
		}
		*installed = time.Time{}
		return set(t)
	}
	slack := min(maxSlack, max(0, t.Sub(now)/8))
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
