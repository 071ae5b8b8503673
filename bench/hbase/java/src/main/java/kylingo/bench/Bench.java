package kylingo.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.CheckAndMutate;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;

/**
 * The Java side of bench/hbase: Kylin's metadata schema (family f, f:c the
 * content, f:t the 8-byte big-endian timestamp, row key the path) through
 * HBase's own Table API, the way Kylin's HBaseResourceStore reads and
 * compare-and-sets. The workloads, row names and output match the Go side
 * (bench/hbase/workload.go); see bench/hbase/doc.go.
 *
 * <p>Usage: Bench QUORUM TABLE CLIENTS, then one command per stdin line:
 * "WORKLOAD WARMUP_MS MEASURE_MS ROUND" runs the workload with CLIENTS
 * threads and prints one JSON object on stdout ("ok" alone when MEASURE_MS
 * is 0: a priming run); "quit" or end of input exits. The process stays
 * up between commands, so the driver (bench/hbase, compare) interleaves
 * Java and Go runs seconds apart on a warm JVM.
 */
public final class Bench {
  static final byte[] F = b("f");
  static final byte[] C = b("c");
  static final byte[] T = b("t");
  static final int READ_ROWS = 1000;
  static final int WRITE_ROWS_PER_CLIENT = 64;
  static final int CAS_ROWS = 16;
  static final int VALUE_SIZE = 1024;

  private Bench() {}

  public static void main(String[] a) throws Exception {
    if (a.length != 3) {
      System.err.println("usage: Bench QUORUM TABLE CLIENTS (commands on stdin)");
      System.exit(2);
    }
    TableName table = TableName.valueOf(a[1]);
    int clients = Integer.parseInt(a[2]);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (Connection conn = ConnectionFactory.createConnection(config(a[0]))) {
      for (String line; (line = in.readLine()) != null && !line.trim().equals("quit"); ) {
        String[] f = line.trim().split("\\s+");
        if (f.length != 4 && f.length != 5) {
          System.out.println("{\"error\":\"want WORKLOAD WARMUP_MS MEASURE_MS ROUND [RATE]\"}");
          System.out.flush();
          continue;
        }
        long warmup = Long.parseLong(f[1]) * 1_000_000L;
        long measure = Long.parseLong(f[2]) * 1_000_000L;
        double rate = f.length == 5 ? Double.parseDouble(f[4]) : 0;
        Stats st = run(conn, table, f[0], clients, warmup, measure, rate);
        System.out.println(measure == 0 ? "ok" : st.json("java", f[0], clients, Integer.parseInt(f[3])));
        System.out.flush();
      }
    }
    System.exit(0);
  }

  static Configuration config(String quorum) {
    int colon = quorum.lastIndexOf(':');
    Configuration c = HBaseConfiguration.create();
    c.set("hbase.zookeeper.quorum", quorum.substring(0, colon));
    c.set("hbase.zookeeper.property.clientPort", quorum.substring(colon + 1));
    // Kylin's metastore client settings (kylin.metadata.hbase-client-retries-number,
    // kylin.metadata.hbase-rpc-timeout), which the Go side runs with too.
    c.setInt("hbase.client.retries.number", 3);
    c.setInt("hbase.rpc.timeout", 5000);
    return c;
  }

  /** One client's loop: op() is timed; setup() runs before the clock starts. */
  abstract static class Client {
    final Table table;
    final Random rnd;
    final byte[] value = new byte[VALUE_SIZE];
    long conflicts;
    long errors;

    Client(Table table, long seed) {
      this.table = table;
      this.rnd = new Random(seed);
      rnd.nextBytes(value);
    }

    void setup() throws IOException {}

    abstract void op() throws IOException;
  }

  static Stats run(Connection conn, TableName name, String workload, int clients, long warmup,
      long measure, double rate) throws Exception {
    List<Client> cs = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Table t = conn.getTable(name);
      cs.add(client(workload, t, i));
    }
    for (Client c : cs) {
      c.setup();
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicBoolean stop = new AtomicBoolean();
    long start = System.nanoTime();
    long measureFrom = start + warmup;
    long end = measureFrom + measure;
    List<Future<long[]>> futures = new ArrayList<>();
    for (Client c : cs) {
      // rate > 0: each client starts an operation every clients/rate seconds
      // (open loop; at once when behind schedule); a latency counts from the
      // operation's actual start, as on the Go side (see its runWorkload).
      long interval = rate > 0 ? (long) (clients * 1e9 / rate) : 0;
      long offset = interval * futures.size() / clients;
      futures.add(pool.submit(() -> loop(c, start + offset, interval, measureFrom, end, stop)));
    }
    // The process's CPU time over the measured part: JIT, GC and Netty
    // threads included, as they are part of what the client costs.
    long wait = measureFrom - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
    }
    long cpuFrom = processCpuNanos();
    Stats s = new Stats();
    for (Future<long[]> f : futures) {
      s.add(f.get());
    }
    s.cpuNanos = processCpuNanos() - cpuFrom;
    pool.shutdown();
    for (Client c : cs) {
      s.conflicts += c.conflicts;
      s.errors += c.errors;
      c.table.close();
    }
    s.seconds = measure / 1e9;
    s.rate = rate;
    return s;
  }

  /** CPU time (user and system) of this JVM so far, in nanoseconds. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Runs ops until end; returns the latencies (ns) of ops started after
   * measureFrom. interval > 0 paces the ops from first on (open loop, latency
   * from the actual start); 0 runs them back to back.
   */
  static long[] loop(Client c, long first, long interval, long measureFrom, long end, AtomicBoolean stop) {
    long[] lat = new long[1 << 14];
    int n = 0;
    long next = first;
    while (!stop.get()) {
      long t0 = System.nanoTime();
      long scheduled = t0;
      if (interval > 0) {
        if (next > t0) {
          java.util.concurrent.locks.LockSupport.parkNanos(next - t0);
        }
        scheduled = next;
        next += interval;
        t0 = System.nanoTime();
      }
      if (scheduled >= end) {
        break;
      }
      try {
        c.op();
      } catch (IOException e) {
        if (t0 >= measureFrom) {
          c.errors++;
        }
        continue;
      }
      if (t0 >= measureFrom) {
        if (n == lat.length) {
          lat = Arrays.copyOf(lat, n * 2);
        }
        lat[n++] = System.nanoTime() - t0;
      }
    }
    return Arrays.copyOf(lat, n);
  }

  static Client client(String workload, Table t, int id) {
    switch (workload) {
      case "read":
        return new ReadClient(t, id);
      case "write":
        return new WriteClient(t, id);
      case "cas":
        return new CasClient(t, id);
      default:
        throw new IllegalArgumentException("unknown workload " + workload + " (want read, write or cas)");
    }
  }

  /** read: Get f:c and f:t of a random preloaded row. */
  static final class ReadClient extends Client {
    ReadClient(Table t, int id) {
      super(t, 1000 + id);
    }

    @Override
    void op() throws IOException {
      Result r = table.get(get(readPath(rnd.nextInt(READ_ROWS))));
      if (r.isEmpty()) {
        throw new IOException("preloaded row missing: run the Go side's setup first");
      }
    }
  }

  /** write: compare-and-set on the client's own rows, so every CAS succeeds. */
  static final class WriteClient extends Client {
    final int id;
    final long[] ts = new long[WRITE_ROWS_PER_CLIENT];
    int next;

    WriteClient(Table t, int id) {
      super(t, 2000 + id);
      this.id = id;
    }

    @Override
    void setup() throws IOException {
      for (int i = 0; i < ts.length; i++) {
        ts[i] = timestamp(table.get(get(writePath("java", id, i))));
      }
    }

    @Override
    void op() throws IOException {
      int i = next++ % ts.length;
      long nts = cas(table, b(writePath("java", id, i)), value, ts[i]);
      if (nts < 0) {
        throw new IOException("uncontended CAS failed on " + writePath("java", id, i));
      }
      ts[i] = nts;
    }
  }

  /**
   * cas: read a hot row's timestamp, then compare-and-set it; losers count as
   * conflicts and, as Kylin's HBaseResourceStore does for its
   * WriteConflictException message, read the stored timestamp once more.
   */
  static final class CasClient extends Client {
    CasClient(Table t, int id) {
      super(t, 3000 + id);
    }

    @Override
    void op() throws IOException {
      String p = casPath(rnd.nextInt(CAS_ROWS));
      long old = timestamp(table.get(get(p)));
      if (cas(table, b(p), value, old) < 0) {
        conflicts++;
        timestamp(table.get(new Get(b(p)).addColumn(F, T)));
      }
    }
  }

  /**
   * Kylin's checkAndPut: put f:c and f:t = max(now, old+1) if f:t equals old
   * (or is absent when old is 0). Returns the new timestamp, or -1 on conflict.
   */
  static long cas(Table t, byte[] row, byte[] content, long old) throws IOException {
    long nts = Math.max(System.currentTimeMillis(), old + 1);
    Put put = new Put(row).addColumn(F, C, content).addColumn(F, T, be(nts));
    CheckAndMutate.Builder cb = CheckAndMutate.newBuilder(row);
    CheckAndMutate cm = old == 0 ? cb.ifNotExists(F, T).build(put) : cb.ifEquals(F, T, be(old)).build(put);
    return t.checkAndMutate(cm).isSuccess() ? nts : -1;
  }

  static Get get(String path) {
    return new Get(b(path)).addColumn(F, C).addColumn(F, T);
  }

  static long timestamp(Result r) {
    byte[] v = r.getValue(F, T);
    return v == null ? 0 : ByteBuffer.wrap(v).getLong();
  }

  static String readPath(int i) {
    return String.format(Locale.ROOT, "/bench/read/%04d.json", i);
  }

  static String writePath(String side, int client, int i) {
    return String.format(Locale.ROOT, "/bench/write/%s/%02d/%02d.json", side, client, i);
  }

  static String casPath(int i) {
    return String.format(Locale.ROOT, "/bench/cas/%02d.json", i);
  }

  static byte[] be(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
