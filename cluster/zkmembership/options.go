package zkmembership

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
)

// Option carries what a properties file cannot.
type Option func(*options)

type options struct {
	log *zap.Logger
	reg prometheus.Registerer
}

// WithLogger sets the logger; the default is silent.
func WithLogger(l *zap.Logger) Option { return func(o *options) { o.log = l } }

// WithRegisterer registers kylin_cluster_members (nodes in this member's
// view); the default is no metrics.
func WithRegisterer(r prometheus.Registerer) Option { return func(o *options) { o.reg = r } }

// settings is config.ZooKeeper with defaults applied.
type settings struct {
	servers        []string
	dir            string // the service directory, chroot included
	sessionTimeout time.Duration
	connectTimeout time.Duration
}

func newSettings(cfg config.ZooKeeper) (settings, error) {
	def := config.Default().ZooKeeper
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
	s := settings{
		servers:        servers,
		sessionTimeout: or(cfg.SessionTimeout, def.SessionTimeout),
		connectTimeout: or(cfg.ConnectTimeout, def.ConnectTimeout),
	}
	base, name := orStr(cfg.BasePath, def.BasePath), orStr(cfg.ClusterName, def.ClusterName)
	s.dir = path.Clean("/" + chroot + "/" + base + "/" + name + "/service/" + ServiceName)
	if len(servers) == 0 || s.sessionTimeout < 0 || s.connectTimeout < 0 || strings.Contains(name, "/") {
		return s, fmt.Errorf("zkmembership: bad ZooKeeper settings (connect %q, cluster name %q, session timeout %v): name servers as host:port, use a cluster name without '/'", cfg.ConnectString, name, s.sessionTimeout)
	}
	return s, nil
}

func or(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}

func orStr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
