package kylingo.benchjdbc;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kylin.common.KylinConfig;
import org.apache.kylin.common.persistence.RawResource;
import org.apache.kylin.common.persistence.ResourceStore;
import org.apache.kylin.common.persistence.WriteConflictException;

/**
 * Bench drives Kylin 3.1.3's own JDBCResourceStore (ResourceStore.getStore
 * on the kylin.metadata.url of KYLIN_CONF) for bench/jdbc. It reads
 * commands on stdin, one per line, and answers each with one JSON line:
 *
 *   setup READ LIST CAS SIZE      preload the rows the workloads use
 *   run WORKLOAD CLIENTS WARMUP_MS MEASURE_MS NONCE
 *
 * The workloads are the Go side's (bench/jdbc/workload.go).
 */
public final class Bench {
    private static ResourceStore store;
    private static byte[] value;
    private static int readRows, listRows, casRows;

    public static void main(String[] args) throws Exception {
        store = ResourceStore.getStore(KylinConfig.getInstanceFromEnv());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.trim().split(" ");
            String out;
            try {
                out = f[0].equals("setup") ? setup(f) : run(f);
            } catch (Throwable e) {
                out = "{\"error\":\"" + String.valueOf(e).replace("\\", "/").replace("\"", "'") + "\"}";
            }
            System.out.println(out);
            System.out.flush();
        }
    }

    private static String setup(String[] f) throws Exception {
        readRows = Integer.parseInt(f[1]);
        listRows = Integer.parseInt(f[2]);
        casRows = Integer.parseInt(f[3]);
        value = new byte[Integer.parseInt(f[4])];
        Arrays.fill(value, (byte) 'x');
        for (int i = 0; i < readRows; i++) {
            put(String.format("/bench/read/%04d.json", i));
        }
        for (int i = 0; i < listRows; i++) {
            put(String.format("/bench/list/%04d.json", i));
        }
        for (int i = 0; i < casRows; i++) {
            put(String.format("/bench/cas/%02d.json", i));
        }
        return "{\"ok\":true}";
    }

    private static void put(String path) throws Exception {
        store.putResource(path, new ByteArrayInputStream(value), System.currentTimeMillis());
    }

    interface Op {
        /** runs one operation; returns true for a write conflict. */
        boolean run(int client, long seq) throws Exception;
    }

    private static Op op(String workload, String nonce) {
        switch (workload) {
        case "get":
            return (c, s) -> {
                String p = String.format("/bench/read/%04d.json", ThreadLocalRandom.current().nextInt(readRows));
                try (RawResource r = store.getResource(p); InputStream in = r.content()) {
                    byte[] buf = new byte[8192];
                    while (in.read(buf) >= 0) {
                    }
                }
                return false;
            };
        case "put":
            return (c, s) -> {
                String p = "/bench/put/" + nonce + "/" + c + "/" + s + ".json";
                store.checkAndPutResource(p, value, 0, System.currentTimeMillis());
                return false;
            };
        case "cas":
            return (c, s) -> {
                String p = String.format("/bench/cas/%02d.json", ThreadLocalRandom.current().nextInt(casRows));
                long old = store.getResourceTimestamp(p);
                try {
                    store.checkAndPutResource(p, value, old, Math.max(System.currentTimeMillis(), old + 1));
                    return false;
                } catch (WriteConflictException e) {
                    return true;
                }
            };
        case "list":
            return (c, s) -> {
                if (store.listResources("/bench/list").size() != listRows) {
                    throw new IllegalStateException("list returned the wrong number of children");
                }
                return false;
            };
        default:
            throw new IllegalArgumentException("unknown workload " + workload);
        }
    }

    private static String run(String[] f) throws Exception {
        Op op = op(f[1], f[5]);
        int clients = Integer.parseInt(f[2]);
        long warmup = Long.parseLong(f[3]) * 1_000_000L;
        long measure = Long.parseLong(f[4]) * 1_000_000L;
        long start = System.nanoTime();
        long from = start + warmup, end = from + measure;
        AtomicLong errors = new AtomicLong(), conflicts = new AtomicLong();
        List<long[]> lats = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        String[] firstError = new String[1];
        for (int c = 0; c < clients; c++) {
            final int client = c;
            final long[][] mine = {new long[1 << 14]};
            final int[] n = {0};
            Thread t = new Thread(() -> {
                long seq = 0;
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        break;
                    }
                    boolean conflict = false;
                    boolean failed = false;
                    try {
                        conflict = op.run(client, seq++);
                    } catch (Throwable e) {
                        failed = true;
                        synchronized (firstError) {
                            if (firstError[0] == null) {
                                firstError[0] = String.valueOf(e);
                            }
                        }
                    }
                    long t1 = System.nanoTime();
                    if (t0 < from) {
                        continue;
                    }
                    if (failed) {
                        errors.incrementAndGet();
                        continue;
                    }
                    if (conflict) {
                        conflicts.incrementAndGet();
                    }
                    if (n[0] == mine[0].length) {
                        mine[0] = Arrays.copyOf(mine[0], n[0] * 2);
                    }
                    mine[0][n[0]++] = t1 - t0;
                }
                synchronized (lats) {
                    lats.add(Arrays.copyOf(mine[0], n[0]));
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        int total = 0;
        for (long[] l : lats) {
            total += l.length;
        }
        long[] all = new long[total];
        int i = 0;
        for (long[] l : lats) {
            System.arraycopy(l, 0, all, i, l.length);
            i += l.length;
        }
        Arrays.sort(all);
        long p50 = all.length == 0 ? 0 : all[all.length / 2];
        long p99 = all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) Math.ceil(all.length * 0.99) - 1)];
        String err = firstError[0] == null ? "" : firstError[0].replace("\\", "/").replace("\"", "'");
        return String.format("{\"ops\":%d,\"errors\":%d,\"conflicts\":%d,\"seconds\":%.3f,\"p50_ns\":%d,\"p99_ns\":%d,\"first_error\":\"%s\"}",
                total, errors.get(), conflicts.get(), measure / 1e9, p50, p99, err);
    }
}
