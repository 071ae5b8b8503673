// Harness runs Kylin 3.1.3's own classes for kylin-go's compatibility
// suite. It reads one JSON request per line on stdin and answers each with
// one JSON line on stdout: {"ok":true,"result":...} or
// {"ok":false,"class":"<exception class>","error":"<message>"}.
// A request is {"op":"<name>", ...arguments}; Ops lists the names.
// Kylin's configuration comes from KYLIN_CONF (a directory holding
// kylin.properties) as in a Kylin server. Logging goes to stderr.
package kylingo.compat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

public final class Harness {
    /** Op is one request handler. */
    public interface Op {
        Object run(Req r) throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
        // Kylin's classes log to stdout in places; keep stdout for answers.
        System.setOut(System.err);
        JdkQuirks.apply();
        Map<String, Op> ops = new LinkedHashMap<>();
        ops.put("ping", r -> "pong");
        Stores.register(ops);
        BigStores.register(ops);
        Locks.register(ops);
        Discovery.register(ops);
        Leaders.register(ops);
        Broadcast.register(ops);
        Jobs.register(ops);
        CacheEndpoint.register(ops);
        CacheMapping.register(ops);
        Schedulers.register(ops);
        CuratorSchedulers.register(ops);
        Fixtures.register(ops);
        Users.register(ops);
        Tables.register(ops);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                continue;
            }
            out.println(JSON.writeValueAsString(answer(ops, line)));
        }
        Schedulers.closeAll();
        CuratorSchedulers.closeAll();
        CacheEndpoint.closeAll();
        Leaders.closeAll();
        Discovery.closeAll();
        System.exit(0);
    }

    private static Map<String, Object> answer(Map<String, Op> ops, String line) {
        Map<String, Object> res = new LinkedHashMap<>();
        try {
            Req r = new Req(JSON.readValue(line, Map.class));
            Op op = ops.get(r.str("op"));
            if (op == null) {
                throw new IllegalArgumentException("unknown op " + r.str("op") + "; known: " + ops.keySet());
            }
            res.put("ok", true);
            res.put("result", op.run(r));
        } catch (Throwable t) {
            Throwable c = t;
            while (c.getCause() != null && c instanceof java.lang.reflect.InvocationTargetException) {
                c = c.getCause();
            }
            res.clear();
            res.put("ok", false);
            res.put("class", c.getClass().getName());
            Throwable root = c;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String msg = String.valueOf(c.getMessage());
            if (root != c) {
                msg += " (root cause " + root.getClass().getName() + ": " + root.getMessage() + ")";
            }
            res.put("error", msg);
            t.printStackTrace();
        }
        return res;
    }
}
