package kylingo.compat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.kylin.common.KylinConfig;
import org.apache.kylin.common.util.ZKUtil;
import org.apache.zookeeper.KeeperException;

/**
 * Leaders runs Curator's LeaderSelector the way Kylin 3.1.3's
 * CuratorLeaderSelector sets it up for scheduler mode 100 (CuratorScheduler):
 * ZKUtil's client, path /job_engine/leader, id = kylin.server.host-address,
 * autoRequeue. Leading is recorded instead of starting Kylin's
 * DefaultScheduler; "release" ends the leadership as a stopping node does.
 */
final class Leaders {
    private static final Map<String, Candidate> BY_ID = new ConcurrentHashMap<>();

    private Leaders() {
    }

    private static final class Candidate extends LeaderSelectorListenerAdapter {
        final LeaderSelector selector;
        volatile boolean leading;
        volatile int terms;
        final CountDownLatch release = new CountDownLatch(1);

        Candidate(CuratorFramework client, String path, String id) {
            selector = new LeaderSelector(client, path, this);
            selector.setId(id);
            selector.autoRequeue();
        }

        @Override
        public void takeLeadership(CuratorFramework client) throws Exception {
            leading = true;
            terms++;
            try {
                release.await();
            } finally {
                leading = false;
            }
        }
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("leader.start", r -> {
            CuratorFramework c = ZKUtil.getZookeeperClient(KylinConfig.getInstanceFromEnv());
            Candidate cand = new Candidate(c, r.str("path", "/job_engine/leader"), r.str("id"));
            BY_ID.put(r.str("id"), cand);
            cand.selector.start();
            return null;
        });
        ops.put("leader.status", r -> {
            Candidate c = BY_ID.get(r.str("id"));
            if (c == null) {
                throw new IllegalArgumentException("no candidate " + r.str("id"));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("leading", c.leading);
            m.put("hasLeadership", c.selector.hasLeadership());
            m.put("terms", c.terms);
            List<String> ps = new ArrayList<>();
            String leader = "";
            try {
                leader = c.selector.getLeader().getId();
                for (Participant p : c.selector.getParticipants()) {
                    ps.add(p.getId());
                }
            } catch (KeeperException.NoNodeException e) {
                // not queued yet: no election znode
            }
            m.put("leader", leader);
            m.put("participants", ps);
            return m;
        });
        ops.put("leader.stop", r -> {
            Candidate c = BY_ID.remove(r.str("id"));
            if (c != null) {
                c.release.countDown();
                c.selector.close();
            }
            return null;
        });
    }

    static void closeAll() {
        for (Candidate c : BY_ID.values()) {
            c.release.countDown();
            c.selector.close();
        }
        BY_ID.clear();
    }
}
