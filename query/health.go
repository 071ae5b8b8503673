package query

import (
	"context"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"
)

func (r *Router) healthLoop(ctx context.Context) {
	defer r.wg.Done()
	t := time.NewTicker(r.cfg.HealthInterval)
	defer t.Stop()
	for {
		r.CheckHealth(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CheckHealth runs one round of active health checks: a GET of
// config.Query.HealthPath on every node, each bounded by HealthInterval. A
// node that does not answer 2xx is marked down (no new requests) until a
// later round sees it answer again. Without a HealthPath it does nothing.
func (r *Router) CheckHealth(ctx context.Context) {
	if r.cfg.NoHealthCheck {
		return
	}
	var wg sync.WaitGroup
	for _, b := range r.snap.Load().nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.checkNode(ctx, b)
		}()
	}
	wg.Wait()
}

func (r *Router) checkNode(ctx context.Context, b *backend) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.HealthInterval)
	defer cancel()
	err := r.probe(ctx, b)
	if ctx.Err() != nil && err != nil && context.Cause(ctx) == context.Canceled {
		return // the Router is closing; say nothing about the node
	}
	wasDown := b.down.Swap(err != nil)
	switch {
	case err != nil && !wasDown:
		r.opts.logger.Warn("query: node failed its health check", zap.String("node", b.node.Addr), zap.Error(err))
	case err == nil && wasDown:
		r.opts.logger.Info("query: node passed its health check again", zap.String("node", b.node.Addr))
	}
}

func (r *Router) probe(ctx context.Context, b *backend) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.scheme()+"://"+b.node.Addr+r.cfg.HealthPath, nil)
	if err != nil {
		return err
	}
	resp, err := r.transport.RoundTrip(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &statusError{resp.StatusCode}
	}
	return nil
}

type statusError struct{ code int }

func (e *statusError) Error() string { return "health check answered " + http.StatusText(e.code) }
