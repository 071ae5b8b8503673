package kylingo.hbase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;

/**
 * Small admin tool for a standalone HBase, used by scripts/hbase.sh and the
 * testenv tests. Every command takes the ZooKeeper quorum as HOST:PORT and
 * exits 0 on success, 1 with the cause on one stderr line on failure.
 *
 * <pre>
 *   probe QUORUM TABLE            create TABLE (family f) and drop it again
 *   wait  QUORUM TABLE SECONDS    probe once a second until it succeeds or SECONDS pass
 *   put   QUORUM TABLE ROW VALUE  create TABLE if missing, put f:c = VALUE
 *   get   QUORUM TABLE ROW        print f:c of ROW, exit 3 if the row is absent
 * </pre>
 */
public final class Tool {
  private static final byte[] FAMILY = bytes("f");
  private static final byte[] CONTENT = bytes("c");

  private Tool() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args);
    } catch (Exception e) {
      System.err.println("hbase tool: " + e.getClass().getName() + ": " + firstLine(e.getMessage()));
      code = 1;
    }
    System.exit(code);
  }

  private static int run(String[] a) throws IOException {
    String cmd = a.length > 0 ? a[0] : "";
    if (cmd.equals("probe") && a.length == 3) {
      return probe(a[1], TableName.valueOf(a[2]));
    }
    if (cmd.equals("wait") && a.length == 4) {
      return waitReady(a[1], TableName.valueOf(a[2]), Long.parseLong(a[3]));
    }
    if (cmd.equals("put") && a.length == 5) {
      return put(a[1], TableName.valueOf(a[2]), a[3], a[4]);
    }
    if (cmd.equals("get") && a.length == 4) {
      return get(a[1], TableName.valueOf(a[2]), a[3]);
    }
    System.err.println("usage: Tool probe QUORUM TABLE | wait QUORUM TABLE SECONDS | put QUORUM TABLE ROW VALUE | get QUORUM TABLE ROW");
    return 2;
  }

  /** Probes in this one JVM until success or the deadline: a JVM start costs seconds. */
  private static int waitReady(String quorum, TableName table, long seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    String last = "no attempt";
    int attempts = 0;
    while (System.nanoTime() < deadline) {
      attempts++;
      try {
        probe(quorum, table);
        return 0;
      } catch (Exception e) {
        last = e.getClass().getName() + ": " + firstLine(e.getMessage());
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    System.err.println("hbase tool: not ready after " + seconds + "s and " + attempts
        + " attempts; last error: " + last);
    return 1;
  }

  private static int probe(String quorum, TableName table) throws IOException {
    try (Connection conn = ConnectionFactory.createConnection(fastConfig(quorum));
        Admin admin = conn.getAdmin()) {
      ensureTable(admin, table);
      admin.disableTable(table);
      admin.deleteTable(table);
    }
    return 0;
  }

  private static int put(String quorum, TableName table, String row, String value)
      throws IOException {
    try (Connection conn = ConnectionFactory.createConnection(config(quorum))) {
      try (Admin admin = conn.getAdmin()) {
        ensureTable(admin, table);
      }
      try (Table t = conn.getTable(table)) {
        t.put(new Put(bytes(row)).addColumn(FAMILY, CONTENT, bytes(value)));
      }
    }
    return 0;
  }

  private static int get(String quorum, TableName table, String row) throws IOException {
    try (Connection conn = ConnectionFactory.createConnection(config(quorum));
        Table t = conn.getTable(table)) {
      Result r = t.get(new Get(bytes(row)).addColumn(FAMILY, CONTENT));
      if (r.isEmpty()) {
        System.err.println("hbase tool: row " + row + " not found in " + table);
        return 3;
      }
      System.out.println(new String(r.getValue(FAMILY, CONTENT), StandardCharsets.UTF_8));
    }
    return 0;
  }

  private static void ensureTable(Admin admin, TableName table) throws IOException {
    if (!admin.tableExists(table)) {
      admin.createTable(TableDescriptorBuilder.newBuilder(table)
          .setColumnFamily(ColumnFamilyDescriptorBuilder.of(FAMILY)).build());
    }
  }

  /** Client configuration with HBase's usual retries, bounded to about a minute. */
  static Configuration config(String quorum) {
    int colon = quorum.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("quorum must be HOST:PORT, got " + quorum);
    }
    Configuration c = HBaseConfiguration.create();
    c.set("hbase.zookeeper.quorum", quorum.substring(0, colon));
    c.set("hbase.zookeeper.property.clientPort", quorum.substring(colon + 1));
    c.setInt("hbase.client.operation.timeout", 60000);
    return c;
  }

  /** Client configuration that fails fast: waitReady loops until its own deadline. */
  static Configuration fastConfig(String quorum) {
    Configuration c = config(quorum);
    c.setInt("hbase.client.retries.number", 3);
    c.setInt("hbase.client.pause", 200);
    c.setInt("hbase.rpc.timeout", 10000);
    c.setInt("hbase.client.operation.timeout", 20000);
    c.setInt("zookeeper.recovery.retry", 1);
    c.setInt("zookeeper.session.timeout", 10000);
    return c;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
