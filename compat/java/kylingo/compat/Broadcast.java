package kylingo.compat;

import java.util.Map;

import org.apache.kylin.common.restclient.RestClient;

/**
 * Broadcast runs Kylin's RestClient.wipeCache, what Kylin's Broadcaster
 * sends to every node of kylin.server.cluster-servers; the target is
 * "[user:password@]host:port" as in that list.
 */
final class Broadcast {
    private Broadcast() {
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("rest.wipeCache", r -> {
            new RestClient(r.str("target")).wipeCache(r.str("entity"), r.str("event"), r.str("key"));
            return null;
        });
    }
}
