package zkmembership

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
)

// Option carries what a properties file cannot.
type Option func(*options)

type options struct {
	env hostenv.Env
}

// WithEnv gives the Membership the host's logger and registerer
// (kylin_cluster_members, the nodes in this member's view); the default is
// silent and without metrics.
func WithEnv(e hostenv.Env) Option { return func(o *options) { o.env = e } }

// settings is config.ZooKeeper with defaults applied.
type settings struct {
	servers        []string
	dir            string // the service directory, chroot included
	sessionTimeout time.Duration
	connectTimeout time.Duration
}

// newSettings reads cfg after config's defaults and checks (zero fields
// take config.Default().ZooKeeper's values), then the connect string.
func newSettings(cfg config.ZooKeeper) (settings, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return settings{}, err // names the key
	}
	connect := strings.TrimSpace(cfg.ConnectString)
	if connect == "" {
		return settings{}, fmt.Errorf("zkmembership: kylin.env.zookeeper-connect-string is empty; set it (host:port[,host:port...]) or the metadata URL's hbase.zookeeper.quorum")
	}
	chroot := ""
	if i := strings.IndexByte(connect, '/'); i >= 0 {
		connect, chroot = connect[:i], connect[i:]
	}
	var servers []string
	for _, s := range strings.Split(connect, ",") {
		if s = strings.TrimSpace(s); s != "" {
			servers = append(servers, s)
		}
	}
	s := settings{servers: servers, sessionTimeout: cfg.SessionTimeout, connectTimeout: cfg.ConnectTimeout,
		dir: path.Clean("/" + chroot + "/" + cfg.BasePath + "/" + cfg.ClusterName + "/service/" + ServiceName)}
	if len(servers) == 0 || strings.Contains(cfg.ClusterName, "/") {
		return s, fmt.Errorf("zkmembership: bad ZooKeeper settings (connect %q, cluster name %q): name servers as host:port, use a cluster name without '/'", cfg.ConnectString, cfg.ClusterName)
	}
	return s, nil
}
