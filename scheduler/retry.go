package scheduler

import (
	"time"
)

// maxBackoffFactor caps the retry delay at this multiple of
// kylin.job.retry-interval.
const maxBackoffFactor = 16

// execute runs a step, retrying a failure up to kylin.job.retry times with
// a delay of kylin.job.retry-interval doubling each time. Retries stop when
// the run is cancelled.
func (e *Engine) execute(r *run, sr StepRun) (Result, error) {
	for attempt := 0; ; attempt++ {
		sr.Attempt = attempt
		e.count(func(s *Stats) {
			s.Steps++
			if attempt > 0 {
				s.Retries++
			}
		})
		res, err := r.ex.Execute(r.ctx, sr)
		if err == nil || r.ctx.Err() != nil || attempt >= e.cfg.Retry {
			return res, err
		}
		select {
		case <-e.o.clock.After(backoff(e.cfg.RetryInterval, attempt)):
		case <-r.ctx.Done():
			return res, err
		}
	}
}

func backoff(base time.Duration, attempt int) time.Duration {
	f := time.Duration(1) << min(attempt, 4)
	if f > maxBackoffFactor {
		f = maxBackoffFactor
	}
	return base * f
}
