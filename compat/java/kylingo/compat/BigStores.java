package kylingo.compat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.io.IOUtils;
import org.apache.kylin.common.persistence.RawResource;

/**
 * BigStores moves resource content through local files instead of the JSON
 * pipe, for big cells: base64 in JSON of a 12 MiB value costs seconds on
 * both ends, a file costs milliseconds.
 */
final class BigStores {
    private BigStores() {
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("store.getFile", BigStores::getFile);
        ops.put("store.casFile", r -> Stores.store(r).checkAndPutResource(r.str("path"),
                Files.readAllBytes(Paths.get(r.str("file"))), r.num("old"), r.num("new")));
    }

    /** getFile writes the content to "file" and answers the path, timestamp and size, or null. */
    private static Object getFile(Req r) throws IOException {
        try (RawResource res = Stores.store(r).getResource(r.str("path"))) {
            if (res == null) {
                return null;
            }
            long n;
            try (InputStream in = res.content(); OutputStream out = Files.newOutputStream(Paths.get(r.str("file")))) {
                n = IOUtils.copyLarge(in, out);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", res.path());
            m.put("ts", res.lastModified());
            m.put("size", n);
            return m;
        }
    }
}
