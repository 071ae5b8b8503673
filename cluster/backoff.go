package cluster

import (
	"fmt"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/secret"
)

// settings is config.Broadcast with defaults applied and checked.
type settings struct {
	retries        int
	base, max      time.Duration
	queueSize      int
	requestTimeout time.Duration
	token          secret.String
	maxPerRoute    int
	maxTotal       int
	scheme         string // http or https
	caFile         string // PEM roots for https peers; empty = the system's
}

func newSettings(cfg config.Broadcast) (settings, error) {
	def := config.Default().Broadcast
	s := settings{
		retries: pick(cfg.SyncRetries, def.SyncRetries), base: pick(cfg.RetryBase, def.RetryBase),
		max: pick(cfg.RetryMax, def.RetryMax), queueSize: pick(cfg.QueueSize, def.QueueSize),
		requestTimeout: pick(cfg.RequestTimeout, def.RequestTimeout), token: cfg.Token,
		maxPerRoute: pick(cfg.MaxPerRoute, def.MaxPerRoute), maxTotal: pick(cfg.MaxTotal, def.MaxTotal),
		scheme: cfg.Scheme, caFile: cfg.TLSCAFile,
	}
	if s.scheme == "" {
		s.scheme = def.Scheme
	}
	switch {
	case s.retries < 0:
		return s, fmt.Errorf("cluster: kylin.metadata.sync-retries is %d; use 0 (default 3) or more", s.retries)
	case s.base < 0 || s.max < 0:
		return s, fmt.Errorf("cluster: kylin.go.broadcast.retry-base-ms / retry-max-ms must not be negative (got %v, %v)", s.base, s.max)
	case s.max < s.base:
		return s, fmt.Errorf("cluster: kylin.go.broadcast.retry-max-ms (%v) is below retry-base-ms (%v); raise the max", s.max, s.base)
	case s.queueSize < 0:
		return s, fmt.Errorf("cluster: kylin.go.broadcast.queue-size is %d; use 0 (default 10000) or more", s.queueSize)
	case s.requestTimeout < 0:
		return s, fmt.Errorf("cluster: kylin.go.broadcast.request-timeout-ms is negative (%v)", s.requestTimeout)
	case s.scheme != "http" && s.scheme != "https":
		return s, fmt.Errorf("cluster: kylin.go.broadcast.scheme is %q; use http or https", s.scheme)
	case s.maxPerRoute < 0 || s.maxTotal < 0:
		return s, fmt.Errorf("cluster: kylin.restclient.connection.* limits must not be negative (got %d, %d)", s.maxPerRoute, s.maxTotal)
	}
	return s, nil
}

func pick[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// delay is the wait before retry number attempt (1 for the first retry):
// base·2^(attempt-1) capped at max, then "equal jitter": a uniform value in
// [d/2, d), so retries from many senders spread out but never collapse to 0.
func (s settings) delay(attempt int, jitter float64) time.Duration {
	d := s.max
	if attempt < 1 {
		attempt = 1
	}
	if shift := attempt - 1; shift < 32 {
		if v := s.base << shift; v > 0 && v < s.max {
			d = v
		}
	}
	half := d / 2
	jitter = min(max(jitter, 0), 1)
	return half + time.Duration(float64(d-half)*jitter)
}
