package config

import (
	"fmt"
	"strings"
)

// Metadata URL parameters that name HBase's ZooKeeper.
const (
	paramQuorum     = "hbase.zookeeper.quorum"
	paramClientPort = "hbase.zookeeper.property.clientPort"
	// DefaultZooKeeperPort is HBase's default ZooKeeper client port.
	DefaultZooKeeperPort = 2181
)

// connectStringFromURL builds a ZooKeeper connect string from a metadata
// URL's hbase.zookeeper.quorum, adding hbase.zookeeper.property.clientPort
// (2181 by default) to each host that has no port, as Kylin's ZKUtil
// builds it from HBase's configuration. "" when the URL names no quorum.
func connectStringFromURL(u MetadataURL) string {
	quorum := strings.TrimSpace(u.Params[paramQuorum])
	if quorum == "" {
		return ""
	}
	port := strings.TrimSpace(u.Params[paramClientPort])
	if port == "" {
		port = fmt.Sprint(DefaultZooKeeperPort)
	}
	hosts := splitList(quorum)
	for i, h := range hosts {
		if !hasPort(h) {
			hosts[i] = h + ":" + port
		}
	}
	return strings.Join(hosts, ",")
}

// checkConnectString checks host[:port],...[/chroot], the form ZooKeeper
// clients accept.
func checkConnectString(s string) error {
	hosts, chroot, _ := strings.Cut(s, "/")
	if chroot != "" && strings.HasSuffix(chroot, "/") {
		return fmt.Errorf("chroot /%s must not end in /", chroot)
	}
	list := splitList(hosts)
	if len(list) == 0 {
		return fmt.Errorf("no host; write host[:port],host[:port]")
	}
	for _, h := range list {
		if _, _, err := splitHostPort(h, DefaultZooKeeperPort); err != nil {
			return fmt.Errorf("entry %s: %w; write host[:port],host[:port]", quote(h), err)
		}
	}
	return nil
}

// zooKeeperWarnings notes a ZooKeeper lock backend with no ZooKeeper
// address: Kylin would read hbase-site.xml, which we do not.
func (c *Config) zooKeeperWarnings() []string {
	if c.ZooKeeper.LockBackend != LockZooKeeper || c.ZooKeeper.ConnectString != "" {
		return nil
	}
	return []string{"no ZooKeeper address: set kylin.env.zookeeper-connect-string " +
		"(or hbase.zookeeper.quorum in kylin.metadata.url); kylin-go does not read hbase-site.xml. " +
		"A single node can set kylin.go.lock.backend=local instead"}
}
