package query

import (
	"time"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/cluster"
)

// maxTries bounds the attempts of one request, whatever the node count.
const maxTries = 8

// Result is how one attempt on one node ended.
type Result int

const (
	// ResultOK means the node answered (any status the Router does not treat as
	// unavailable).
	ResultOK Result = iota
	// ResultNotSent means no byte of the request reached the node (the dial
	// failed). Retrying cannot run the request twice, whatever its method.
	ResultNotSent
	// ResultFailed means the request was or may have been sent and no response
	// arrived (reset, timeout, malformed response).
	ResultFailed
	// ResultUnavailable means the node answered 502, 503 or 504 and that response
	// has not been forwarded yet.
	ResultUnavailable
	// ResultAbandoned means the client went away or the deadline passed; the
	// node is not blamed.
	ResultAbandoned
)

// Unavailable reports whether a node's status counts against its health
// and allows a retry of a safe request: 502, 503 and 504.
func Unavailable(status int) bool { return status == 502 || status == 503 || status == 504 }

// Exchange is one client request across its attempts. A front end calls
// Begin, then Pick and Finish for each attempt while Finish allows a retry,
// then End. An Exchange is used by one goroutine.
type Exchange struct {
	r        *Router
	start    time.Time
	deadline time.Time
	key      string
	route    string // the route cookie's token (session affinity)
	safe     bool
	tried    [maxTries]*backend
	n        int
	cur      *backend
	retries  int // after a request was sent
	tries    int
}

// Begin starts an exchange. safe says the request may run twice (see Safe);
// key is the affinity key for consistent hashing (the project), "" for none.
func (r *Router) Begin(safe bool, key string) Exchange {
	now := time.Now()
	r.budget.onRequest()
	return Exchange{r: r, start: now, deadline: now.Add(r.cfg.RequestTimeout), key: key, safe: safe}
}

// Deadline is when the request, retries included, must be done.
func (x *Exchange) Deadline() time.Time { return x.deadline }

// Retries is how many attempts were retried.
func (x *Exchange) Retries() int { return max(x.tries-1, 0) }

// Pick chooses the node for the next attempt: one this exchange has not
// tried, healthy if any is. ErrNoNode when none is left, ErrClosed after Close.
func (x *Exchange) Pick() (cluster.Node, error) {
	r := x.r
	if r.closed.Load() {
		return cluster.Node{}, ErrClosed
	}
	if x.n == maxTries {
		return cluster.Node{}, ErrNoNode
	}
	s := r.snap.Load()
	f := filter{clock: r.opts.now, tried: x.tried[:x.n]}
	b := x.stuck(s, &f)
	if b == nil {
		b = pick(r.policy, s, x.key, &f)
	}
	if b == nil {
		f.anyHealth = true
		b = pick(r.policy, s, x.key, &f)
	}
	if b == nil {
		if len(s.nodes) == 0 && s.ignored > 0 {
			return cluster.Node{}, &modeError{s.ignored}
		}
		return cluster.Node{}, ErrNoNode
	}
	b.acquire()
	x.cur = b
	x.tried[x.n] = b
	x.n++
	x.tries++
	return b.node, nil
}

// Finish ends the current attempt and reports whether the front end should
// try again on another node. replayable says the front end can send the
// same request body again (no body, or a body buffered whole). A retry is
// allowed only if no response byte reached the client (the front end must
// not call Finish with a failure after that), the deadline has not passed,
// another node is left, and: the request was not sent, or it is safe, within
// MaxRetries and the cluster-wide retry budget.
func (x *Exchange) Finish(res Result, replayable bool) (retry bool) {
	b := x.cur
	if b == nil {
		return false
	}
	x.cur = nil
	x.r.record(b, res)
	b.release()
	if res == ResultOK || res == ResultAbandoned {
		return false
	}
	return x.mayRetry(res, replayable)
}

func (x *Exchange) mayRetry(res Result, replayable bool) bool {
	r := x.r
	deny := ""
	switch {
	case !replayable:
		deny = "body"
	case x.n >= maxTries || x.n >= len(r.snap.Load().nodes):
		deny = "attempts"
	case !time.Now().Before(x.deadline):
		deny = "deadline"
	case res != ResultNotSent && !x.safe:
		deny = "unsafe"
	case res != ResultNotSent && x.retries >= r.cfg.MaxRetries:
		deny = "attempts"
	case res != ResultNotSent && !r.budget.withdraw():
		deny = "budget"
	}
	if deny != "" {
		r.metrics.deny(deny)
		return false
	}
	if res != ResultNotSent {
		x.retries++
	}
	r.metrics.retry(resultName(res))
	return true
}

// End records the request's outcome: the status sent to the client, or 0
// when the exchange ended without a response.
func (x *Exchange) End(status int) {
	x.r.metrics.request(status, x.start)
}

func resultName(res Result) string {
	switch res {
	case ResultNotSent:
		return "not_sent"
	case ResultFailed:
		return "failed"
	case ResultUnavailable:
		return "unavailable"
	}
	return "ok"
}

// record feeds an attempt's result to passive health.
func (r *Router) record(b *backend, res Result) {
	switch res {
	case ResultOK:
		inc(b.metrics.ok)
		// A success on a node without failures on record changes nothing:
		// skip its lock and the clock.
		if b.marked.Load() && b.succeeded(r.opts.now().UnixNano()) {
			r.opts.logger.Info("query: node back after ejection", zap.String("node", b.node.Addr))
		}
		return
	case ResultAbandoned:
		return
	case ResultNotSent:
		inc(b.metrics.notSent)
	case ResultFailed:
		inc(b.metrics.failed)
	case ResultUnavailable:
		inc(b.metrics.unavailable)
	}
	if d := b.failed(r.cfg.EjectAfter, r.cfg.EjectBase, r.cfg.EjectMax); d > 0 {
		r.maybeEject(b, r.opts.now(), d)
	}
}

// maybeEject ejects b for d unless that would put more than MaxEjectedShare
// of the nodes out at once.
func (r *Router) maybeEject(b *backend, now time.Time, d time.Duration) {
	r.ejectMu.Lock()
	defer r.ejectMu.Unlock()
	s := r.snap.Load()
	ns := now.UnixNano()
	out := 1
	for _, o := range s.nodes {
		if o != b && o.ejected(ns) {
			out++
		}
	}
	if float64(out) > r.cfg.MaxEjectedShare*float64(len(s.nodes)) {
		r.opts.logger.Warn("query: node failing but not ejected: ejection cap reached",
			zap.String("node", b.node.Addr), zap.Int("ejected", out-1), zap.Int("nodes", len(s.nodes)))
		return
	}
	b.eject(now, d)
	inc(b.metrics.ejections)
	r.opts.logger.Warn("query: node ejected", zap.String("node", b.node.Addr), zap.Duration("for", d))
}
