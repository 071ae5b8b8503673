package config

import (
	"fmt"
	"strings"
)

// build turns properties, in the order they were read, into a Config:
// rename, trim, substitute, then fill each field and the derived ones.
func build(props []prop, lookup func(string) (string, bool)) Config {
	c := Default()
	c.Sources = map[string]string{}
	c.Raw = map[string]string{}
	c.writtenAs = map[string]string{}
	for _, p := range props {
		key := renameKey(p.key)
		if key != p.key {
			c.writtenAs[key] = p.key
			c.Warnings = append(c.Warnings, fmt.Sprintf(
				"%s in %s is an old name that Kylin renames to %s; write %s", p.key, p.source, key, key))
		} else {
			delete(c.writtenAs, key)
		}
		if p.bare {
			c.Warnings = append(c.Warnings, fmt.Sprintf(
				"%s line %d: %s has no '=' and no value, so it is set to the empty string; write key=value", p.source, p.line, quote(p.key)))
		}
		c.Raw[key] = substituteEnv(strings.TrimSpace(p.value), lookup)
		c.Sources[key] = p.source
	}
	c.fill()
	c.derive()
	c.Warnings = append(c.Warnings, c.nearMisses()...)
	c.Warnings = append(c.Warnings, c.zooKeeperWarnings()...)
	return c
}

// fill converts every modelled key that is present. A value that does not
// convert leaves the default in place and is reported by Validate.
func (c *Config) fill() {
	for _, k := range keyTable {
		v, ok := c.Raw[k.Name]
		if !ok || k.set == nil {
			continue
		}
		if err := k.set(c, v); err != nil {
			c.loadErrs = append(c.loadErrs, loadErr{k.Name, c.problem(k.Name, v, err.Error())})
		} else if noneFields[k.Field] {
			zeroToNone(c, k.Field)
		}
	}
	c.Server.Mode = normalizeMode(c.Server.Mode)
}

// derive fills the fields that come from other keys, as Kylin derives them.
func (c *Config) derive() {
	u, urlErr := ParseMetadataURL(c.Metastore.URL)
	if v := c.Raw["kylin.server.cluster-name"]; v == "" && urlErr == nil {
		c.Server.ClusterName = u.Identifier
	}
	if c.ZooKeeper.ConnectString == "" && urlErr == nil {
		c.ZooKeeper.ConnectString = connectStringFromURL(u)
	}
	c.deriveLockBackend()
	c.ZooKeeper.ClusterName = c.Server.ClusterName
	c.Job.ServerMode = c.Server.Mode
	c.Job.HostAddress = c.Server.HostAddress
}

// normalizeMode trims and lower-cases a server mode list, as Kylin's
// ServerMode does.
func normalizeMode(m string) string {
	parts := strings.Split(m, ",")
	for i, p := range parts {
		parts[i] = strings.ToLower(strings.TrimSpace(p))
	}
	return strings.Join(parts, ",")
}
