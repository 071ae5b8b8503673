package query

import (
	"fmt"

	"github.com/kylin-go/kylin/config"
)

// withDefaults fills zero fields from config.Default().Query. Negative
// MaxRetries means no retries after a request was sent; negative
// MaxIdleConnsPerNode keeps no idle node connections.
func withDefaults(c config.Query) config.Query {
	d := config.Default().Query
	setDefault(&c.Policy, d.Policy)
	setDefault(&c.Listen, d.Listen)
	setDefault(&c.MaxRetries, d.MaxRetries)
	setDefault(&c.RetryBudget, d.RetryBudget)
	setDefault(&c.RequestTimeout, d.RequestTimeout)
	setDefault(&c.MaxBodyBytes, d.MaxBodyBytes)
	setDefault(&c.ReplayBodyBytes, d.ReplayBodyBytes)
	setDefault(&c.EjectAfter, d.EjectAfter)
	setDefault(&c.EjectBase, d.EjectBase)
	setDefault(&c.EjectMax, d.EjectMax)
	setDefault(&c.MaxEjectedShare, d.MaxEjectedShare)
	setDefault(&c.HealthInterval, d.HealthInterval)
	setDefault(&c.HashLoadBound, d.HashLoadBound)
	setDefault(&c.HealthPath, d.HealthPath)
	setDefault(&c.SessionCookie, d.SessionCookie)
	setDefault(&c.RouteCookie, d.RouteCookie)
	setDefault(&c.MaxConnsPerNode, d.MaxConnsPerNode)
	setDefault(&c.MaxIdleConnsPerNode, d.MaxIdleConnsPerNode)
	setDefault(&c.NodeIdleTimeout, d.NodeIdleTimeout)
	setDefault(&c.NodeConnWait, d.NodeConnWait)
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.MaxIdleConnsPerNode < 0 {
		c.MaxIdleConnsPerNode = 0
	}
	return c
}

func setDefault[T comparable](v *T, d T) {
	var zero T
	if *v == zero {
		*v = d
	}
}

func validate(c config.Query) error {
	switch {
	case c.RetryBudget < 0:
		return fmt.Errorf("query: RetryBudget %v is negative; use a share of requests such as 0.2", c.RetryBudget)
	case c.MaxBodyBytes < 0 || c.ReplayBodyBytes < 0:
		return fmt.Errorf("query: MaxBodyBytes %d / ReplayBodyBytes %d: sizes must not be negative", c.MaxBodyBytes, c.ReplayBodyBytes)
	case c.ReplayBodyBytes > c.MaxBodyBytes:
		return fmt.Errorf("query: ReplayBodyBytes %d exceeds MaxBodyBytes %d; lower it to at most MaxBodyBytes", c.ReplayBodyBytes, c.MaxBodyBytes)
	case c.MaxEjectedShare < 0 || c.MaxEjectedShare > 1:
		return fmt.Errorf("query: MaxEjectedShare %v is outside [0, 1]", c.MaxEjectedShare)
	case c.EjectAfter < 0:
		return fmt.Errorf("query: EjectAfter %d is negative; use a count of consecutive failures such as 5", c.EjectAfter)
	case c.EjectBase < 0 || c.EjectMax < c.EjectBase:
		return fmt.Errorf("query: EjectBase %v / EjectMax %v: need 0 <= EjectBase <= EjectMax", c.EjectBase, c.EjectMax)
	case c.RequestTimeout < 0 || c.HealthInterval < 0:
		return fmt.Errorf("query: RequestTimeout %v / HealthInterval %v must not be negative", c.RequestTimeout, c.HealthInterval)
	case c.HealthPath[0] != '/':
		return fmt.Errorf("query: HealthPath %q must start with / (to turn active checks off, set NoHealthCheck)", c.HealthPath)
	case c.RouteCookie == c.SessionCookie:
		return fmt.Errorf("query: RouteCookie and SessionCookie are both %q; the router's cookie needs a name of its own", c.RouteCookie)
	case c.MaxConnsPerNode < 0 || c.MaxIdleConnsPerNode > c.MaxConnsPerNode:
		return fmt.Errorf("query: MaxConnsPerNode %d / MaxIdleConnsPerNode %d: need 0 <= idle <= open", c.MaxConnsPerNode, c.MaxIdleConnsPerNode)
	}
	return nil
}
