package kylingo.compat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kylin.common.KylinConfig;
import org.apache.kylin.common.lock.DistributedLock;
import org.apache.kylin.common.util.ZKUtil;
import org.apache.kylin.job.lock.zookeeper.ZookeeperDistributedLock;

/**
 * Locks runs Kylin's ZookeeperDistributedLock, made by its Factory from the
 * site KylinConfig (ZKUtil's client, chroot kylin.env.zookeeper-base-path
 * plus kylin.server.cluster-name) for a named client id.
 */
final class Locks {
    private static final Map<String, DistributedLock> BY_CLIENT = new ConcurrentHashMap<>();

    private Locks() {
    }

    static DistributedLock lock(Req r) {
        return BY_CLIENT.computeIfAbsent(r.str("client"),
                c -> new ZookeeperDistributedLock.Factory(KylinConfig.getInstanceFromEnv()).lockForClient(c));
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("lock.lock", r -> lock(r).lock(r.str("path")));
        ops.put("lock.unlock", r -> {
            lock(r).unlock(r.str("path"));
            return null;
        });
        ops.put("lock.peek", r -> lock(r).peekLock(r.str("path")));
        ops.put("lock.isLocked", r -> lock(r).isLocked(r.str("path")));
        ops.put("lock.lockJobEngine", r -> ((ZookeeperDistributedLock) lock(r)).lockJobEngine());
        ops.put("lock.unlockJobEngine", r -> {
            ((ZookeeperDistributedLock) lock(r)).unlockJobEngine();
            return null;
        });
        ops.put("lock.chroot", r -> ZKUtil.getZkRootBasedPath(""));
    }
}
