package config

import (
	"sort"
	"strings"
)

// Lock backends (ZooKeeper.LockBackend).
const (
	// LockZooKeeper selects Kylin-compatible locks in ZooKeeper (Kylin's
	// default).
	LockZooKeeper = "zookeeper"
	// LockLocal selects in-process locks; only for a single node.
	LockLocal = "local"
)

// lockClasses maps Kylin's lock class names to a lock backend.
var lockClasses = map[string]string{
	// kylin.job.lock, 2.x and 3.x
	"org.apache.kylin.storage.hbase.util.ZookeeperJobLock":            LockZooKeeper,
	"org.apache.kylin.storage.hbase.util.ZookeeperDistributedJobLock": LockZooKeeper,
	"org.apache.kylin.job.lock.zookeeper.ZookeeperJobLock":            LockZooKeeper,
	"org.apache.kylin.job.lock.MockJobLock":                           LockLocal,
	// kylin.metadata.distributed-lock-impl, 2.x and 3.x
	"org.apache.kylin.storage.hbase.util.ZookeeperDistributedLock":         LockZooKeeper,
	"org.apache.kylin.storage.hbase.util.ZookeeperDistributedLock$Factory": LockZooKeeper,
	"org.apache.kylin.job.lock.zookeeper.ZookeeperDistributedLock":         LockZooKeeper,
	"org.apache.kylin.job.lock.zookeeper.ZookeeperDistributedLock$Factory": LockZooKeeper,
}

// LockBackendForClass maps a Kylin lock class name (kylin.job.lock or
// kylin.metadata.distributed-lock-impl) to a lock backend; ok is false for
// a class we do not know.
func LockBackendForClass(class string) (backend string, ok bool) {
	backend, ok = lockClasses[strings.TrimSpace(class)]
	return backend, ok
}

// deriveLockBackend sets ZooKeeper.LockBackend. kylin.go.lock.backend wins
// when set; otherwise kylin.metadata.distributed-lock-impl, then
// kylin.job.lock. An unknown class is reported by Validate.
func (c *Config) deriveLockBackend() {
	if v := c.Raw["kylin.go.lock.backend"]; v != "" {
		c.ZooKeeper.LockBackend = strings.ToLower(v)
		return
	}
	for _, key := range []string{"kylin.metadata.distributed-lock-impl", "kylin.job.lock"} {
		class := c.Raw[key]
		if class == "" {
			continue
		}
		if b, ok := LockBackendForClass(class); ok {
			c.ZooKeeper.LockBackend = b
			return
		}
		c.loadErrs = append(c.loadErrs, loadErr{key, c.problem(key, class,
			"unknown lock class; use one of "+strings.Join(knownLockClasses(), ", ")+
				", or set kylin.go.lock.backend to zookeeper or local")})
		return
	}
}

func knownLockClasses() []string {
	out := make([]string, 0, len(lockClasses))
	for k := range lockClasses {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
