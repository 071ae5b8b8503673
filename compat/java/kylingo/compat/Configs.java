package kylingo.compat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kylin.common.KylinConfig;

/** Configs builds KylinConfigs from the site configuration plus per-request overrides. */
final class Configs {
    private static final Map<String, KylinConfig> BY_URL = new ConcurrentHashMap<>();

    private Configs() {
    }

    /** forUrl returns one KylinConfig per metadata URL, as a Kylin server has one. */
    static KylinConfig forUrl(String url) {
        return BY_URL.computeIfAbsent(url, u -> {
            KylinConfig c = KylinConfig.createKylinConfig(KylinConfig.getInstanceFromEnv());
            c.setMetadataUrl(u);
            return c;
        });
    }

    /** with returns a fresh KylinConfig: the site configuration with props set. */
    static KylinConfig with(Map<String, String> props) {
        KylinConfig c = KylinConfig.createKylinConfig(KylinConfig.getInstanceFromEnv());
        for (Map.Entry<String, String> e : props.entrySet()) {
            c.setProperty(e.getKey(), e.getValue());
        }
        return c;
    }
}
