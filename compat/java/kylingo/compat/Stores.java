package kylingo.compat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;

import org.apache.commons.io.IOUtils;
import org.apache.kylin.common.persistence.RawResource;
import org.apache.kylin.common.persistence.ResourceStore;

/**
 * Stores runs Kylin's ResourceStore (FileResourceStore for a plain path,
 * HBaseResourceStore for "name@hbase,...") chosen by ResourceStore.getStore
 * from the request's metadata URL.
 */
final class Stores {
    private Stores() {
    }

    static ResourceStore store(Req r) {
        return ResourceStore.getStore(Configs.forUrl(r.str("url")));
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("store.open", r -> store(r).getClass().getName());
        ops.put("store.get", Stores::get);
        ops.put("store.ts", r -> store(r).getResourceTimestamp(r.str("path")));
        ops.put("store.exists", r -> store(r).exists(r.str("path")));
        ops.put("store.list", r -> list(store(r).listResources(r.str("path"))));
        ops.put("store.listRecursive", r -> list(store(r).listResourcesRecursively(r.str("path"))));
        ops.put("store.put", r -> store(r).putResource(r.str("path"),
                new ByteArrayInputStream(r.bytes("content")), r.num("ts")));
        ops.put("store.cas", r -> store(r).checkAndPutResource(r.str("path"), r.bytes("content"),
                r.num("old"), r.num("new")));
        ops.put("store.touch", r -> {
            store(r).updateTimestamp(r.str("path"), r.num("ts"));
            return null;
        });
        ops.put("store.delete", r -> {
            store(r).deleteResource(r.str("path"));
            return null;
        });
        ops.put("store.deleteIf", r -> {
            store(r).deleteResource(r.str("path"), r.num("ts"));
            return null;
        });
        ops.put("store.walk", Stores::walk);
    }

    private static Object get(Req r) throws IOException {
        try (RawResource res = store(r).getResource(r.str("path"))) {
            if (res == null) {
                return null;
            }
            return resource(res);
        }
    }

    private static Map<String, Object> resource(RawResource res) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", res.path());
        m.put("ts", res.lastModified());
        try (InputStream in = res.content()) {
            m.put("content", Req.b64(IOUtils.toByteArray(in)));
        }
        return m;
    }

    /** walk lists every resource under a folder with a time window, as the managers load them. */
    private static Object walk(Req r) throws IOException {
        List<Object> out = new ArrayList<>();
        ResourceStore.VisitFilter f = new ResourceStore.VisitFilter(r.num("from"), r.num("to", Long.MAX_VALUE));
        store(r).visitFolderAndContent(r.str("path"), true, f, res -> out.add(resource(res)));
        return out;
    }

    private static Object list(NavigableSet<String> s) {
        return s == null ? null : new ArrayList<>(s);
    }
}
