package kylingo.compat;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kylin.common.KylinConfig;
import org.apache.kylin.common.zookeeper.KylinServerDiscovery;

/**
 * Discovery runs Kylin's KylinServerDiscovery (ZooKeeper self-discovery,
 * kylin.server.self-discovery-enabled): each instance registers
 * kylin.server.host-address with kylin.server.mode and keeps the
 * kylin.server.cluster-servers(-with-mode) system properties up to date.
 */
final class Discovery {
    private static final Map<String, KylinServerDiscovery> BY_ADDR = new ConcurrentHashMap<>();

    private Discovery() {
    }

    /** Node subclasses KylinServerDiscovery only to reach its KylinConfig constructor. */
    private static final class Node extends KylinServerDiscovery {
        Node(KylinConfig c) {
            super(c);
        }
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("discovery.start", r -> {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("kylin.server.host-address", r.str("address"));
            p.put("kylin.server.mode", r.str("mode", "all"));
            BY_ADDR.put(r.str("address"), new Node(Configs.with(p)));
            return null;
        });
        ops.put("discovery.stop", r -> {
            KylinServerDiscovery d = BY_ADDR.remove(r.str("address"));
            if (d != null) {
                d.close();
            }
            if (BY_ADDR.isEmpty()) {
                // what the instances published is stale once none runs
                System.clearProperty("kylin.server.cluster-servers");
                System.clearProperty("kylin.server.cluster-servers-with-mode");
            }
            return null;
        });
        ops.put("discovery.view", r -> {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("servers", System.getProperty("kylin.server.cluster-servers", ""));
            m.put("withMode", System.getProperty("kylin.server.cluster-servers-with-mode", ""));
            return m;
        });
    }

    static void closeAll() throws IOException {
        for (KylinServerDiscovery d : BY_ADDR.values()) {
            d.close();
        }
        BY_ADDR.clear();
    }
}
