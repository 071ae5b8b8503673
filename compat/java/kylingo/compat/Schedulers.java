package kylingo.compat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kylin.common.KylinConfig;
import org.apache.kylin.job.engine.JobEngineConfig;
import org.apache.kylin.job.impl.threadpool.DistributedScheduler;
import org.apache.kylin.job.lock.JobLock;
import org.apache.kylin.job.lock.zookeeper.ZookeeperDistributedLock;

/**
 * Schedulers runs Kylin's DistributedScheduler (kylin.job.scheduler.default=2)
 * on the metastore of a metadata URL, with ZookeeperDistributedLock as its
 * job lock and the request's server name as the lock client.
 */
final class Schedulers {
    private static final Map<String, DistributedScheduler> BY_URL = new ConcurrentHashMap<>();

    private Schedulers() {
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("scheduler.start", r -> {
            KylinConfig c = Configs.forUrl(r.str("url"));
            c.setProperty("kylin.job.scheduler.poll-interval-second", r.str("poll", "1"));
            DistributedScheduler s = DistributedScheduler.getInstance(c);
            s.init(new JobEngineConfig(c),
                    (JobLock) new ZookeeperDistributedLock.Factory(c).lockForClient(r.str("server")));
            BY_URL.put(r.str("url"), s);
            return s.hasStarted();
        });
        ops.put("scheduler.stop", r -> {
            DistributedScheduler s = BY_URL.remove(r.str("url"));
            if (s != null) {
                s.shutdown();
            }
            return null;
        });
    }

    static void closeAll() throws Exception {
        for (DistributedScheduler s : BY_URL.values()) {
            s.shutdown();
        }
        BY_URL.clear();
    }
}
