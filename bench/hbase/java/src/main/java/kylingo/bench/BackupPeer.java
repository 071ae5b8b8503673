package kylingo.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;

/**
 * The Java peer of bench/scale/backup's HBase benchmark: what Kylin's
 * HBaseResourceStore does for a metadata backup (one full-table scan reading
 * f:c and f:t of every row) and for a restore (Puts of f:c and f:t), through
 * HBase's own client on one warm connection.
 *
 * <p>Usage: BackupPeer QUORUM, then one command per stdin line; each prints
 * one JSON line on stdout:
 *
 * <ul>
 *   <li>"scan TABLE CACHING": scans the whole table with scanner caching of
 *       CACHING rows; prints rows, bytes (f:c) and nanos.
 *   <li>"load TABLE N BATCH": writes the N resources the Go side seeds
 *       (same paths, contents and timestamps; see resource()) into the
 *       existing TABLE, BATCH Puts per Table.put call; prints rows, bytes,
 *       nanos.
 *   <li>"drop TABLE": disables and deletes TABLE.
 *   <li>"quit" or end of input exits.
 * </ul>
 */
public final class BackupPeer {
  static final String[] FOLDERS = {"cube", "cube_desc", "execute", "execute_output", "table", "dict/DB.T/COL"};

  private BackupPeer() {}

  public static void main(String[] a) throws Exception {
    if (a.length != 1) {
      System.err.println("usage: BackupPeer QUORUM (commands on stdin)");
      System.exit(2);
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (Connection conn = ConnectionFactory.createConnection(Bench.config(a[0]))) {
      for (String line; (line = in.readLine()) != null && !line.trim().equals("quit"); ) {
        String[] f = line.trim().split("\\s+");
        String out;
        try {
          out = command(conn, f);
        } catch (Exception e) {
          out = "{\"error\":\"" + String.valueOf(e).replace("\\", "\\\\").replace("\"", "'") + "\"}";
        }
        System.out.println(out);
        System.out.flush();
      }
    }
    System.exit(0);
  }

  static String command(Connection conn, String[] f) throws Exception {
    if (f.length == 3 && f[0].equals("scan")) {
      return scan(conn, TableName.valueOf(f[1]), Integer.parseInt(f[2]));
    }
    if (f.length == 4 && f[0].equals("load")) {
      return load(conn, TableName.valueOf(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]));
    }
    if (f.length == 2 && f[0].equals("drop")) {
      try (Admin admin = conn.getAdmin()) {
        TableName t = TableName.valueOf(f[1]);
        if (admin.tableExists(t)) {
          admin.disableTable(t);
          admin.deleteTable(t);
        }
      }
      return "{\"ok\":true}";
    }
    return "{\"error\":\"want scan TABLE CACHING | load TABLE N BATCH | drop TABLE | quit\"}";
  }

  static String scan(Connection conn, TableName name, int caching) throws Exception {
    long rows = 0;
    long bytes = 0;
    long t0 = System.nanoTime();
    try (Table t = conn.getTable(name)) {
      Scan s = new Scan().addColumn(Bench.F, Bench.C).addColumn(Bench.F, Bench.T).setCaching(caching);
      try (ResultScanner rs = t.getScanner(s)) {
        for (Result r : rs) {
          byte[] c = r.getValue(Bench.F, Bench.C);
          byte[] ts = r.getValue(Bench.F, Bench.T);
          if (ts == null || ts.length != 8) {
            throw new IllegalStateException("row without an 8-byte f:t");
          }
          rows++;
          bytes += c == null ? 0 : c.length;
        }
      }
    }
    return result(rows, bytes, System.nanoTime() - t0);
  }

  static String load(Connection conn, TableName name, int n, int batch) throws Exception {
    long bytes = 0;
    long t0 = System.nanoTime();
    try (Table t = conn.getTable(name)) {
      List<Put> puts = new ArrayList<>(batch);
      for (int i = 0; i < n; i++) {
        byte[] c = content(i);
        bytes += c.length;
        Put p = new Put(path(i).getBytes(StandardCharsets.UTF_8));
        p.addColumn(Bench.F, Bench.C, c);
        p.addColumn(Bench.F, Bench.T, ByteBuffer.allocate(8).putLong(1_700_000_000_000L + i).array());
        puts.add(p);
        if (puts.size() == batch) {
          t.put(puts);
          puts = new ArrayList<>(batch);
        }
      }
      if (!puts.isEmpty()) {
        t.put(puts);
      }
    }
    return result(n, bytes, System.nanoTime() - t0);
  }

  /** The Go side's seed: resource i's path (bench/scale/backup, resource). */
  static String path(int i) {
    return String.format("/%s/r%07d.json", FOLDERS[i % FOLDERS.length], i);
  }

  /** The Go side's seed: resource i's content, 256 B-4 KiB. */
  static byte[] content(int i) {
    long mixed = ((long) i * 2654435761L) & 0xFFFFFFFFL;
    byte[] c = new byte[256 + (int) (mixed % 3840)];
    for (int j = 0; j < c.length; j++) {
      c[j] = (byte) ('a' + (i + j) % 26);
    }
    return c;
  }

  static String result(long rows, long bytes, long nanos) {
    return "{\"rows\":" + rows + ",\"bytes\":" + bytes + ",\"nanos\":" + nanos + "}";
  }
}
