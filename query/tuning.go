package query

import (
	"github.com/kylin-go/kylin/config"
)

// settle is what New runs with: cfg after config's defaults and checks
// (zero fields take config.Default().Query's values), with config.None
// read as zero (no retries, no retry budget, no replay buffer, no
// ejection, no idle node connections).
func settle(cfg config.Query) (config.Query, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return cfg, err // names the key
	}
	cfg.MaxRetries = config.Count(cfg.MaxRetries)
	cfg.RetryBudget = config.Count(cfg.RetryBudget)
	cfg.ReplayBodyBytes = config.Count(cfg.ReplayBodyBytes)
	cfg.MaxEjectedShare = config.Count(cfg.MaxEjectedShare)
	cfg.MaxIdleConnsPerNode = config.Count(cfg.MaxIdleConnsPerNode)
	return cfg, nil
}
