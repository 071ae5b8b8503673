package cluster

import (
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

// newSettings reads cfg after config's defaults and checks: zero fields
// take config.Default().Broadcast's values, config.None turns retries off.
func newSettings(cfg config.Broadcast) (settings, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return settings{}, err // names the key
	}
	return settings{
		retries: config.Count(cfg.SyncRetries), base: cfg.RetryBase, max: cfg.RetryMax,
		queueSize: cfg.QueueSize, requestTimeout: cfg.RequestTimeout, token: cfg.Token,
		maxPerRoute: cfg.MaxPerRoute, maxTotal: cfg.MaxTotal, scheme: cfg.Scheme, caFile: cfg.TLSCAFile,
	}, nil
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
