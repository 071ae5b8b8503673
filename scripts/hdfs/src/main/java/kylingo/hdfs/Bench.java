package kylingo.hdfs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The Java peer of bench/hdfs: Hadoop's FileSystem client writing and
 * reading whole files, driven over standard input so that one warm JVM
 * serves every round.
 *
 * <p>Usage: Bench NAMENODE DIR SIZE DELAY_MS. DELAY_MS is
 * dfs.client.block.write.locateFollowingBlock.initial.delay.ms (-1: Hadoop's
 * default). Commands, one per line: "write N" writes DIR/java-0..N-1 of SIZE
 * bytes, "read N" reads them back; each prints one line per file, the
 * nanoseconds it took, then "done". "quit" ends.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws IOException {
    String dir = args[1];
    int size = Integer.parseInt(args[2]);
    int delay = Integer.parseInt(args[3]);
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "hdfs://" + args[0]);
    if (delay >= 0) {
      conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", delay);
    }
    byte[] data = new byte[size];
    new Random(1).nextBytes(data);
    byte[] buf = new byte[size];
    try (FileSystem fs = FileSystem.get(conf)) {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null && !line.equals("quit");) {
        String[] f = line.trim().split(" ");
        int n = Integer.parseInt(f[1]);
        for (int i = 0; i < n; i++) {
          Path p = new Path(dir, "java-" + i);
          long t0 = System.nanoTime();
          if (f[0].equals("write")) {
            try (FSDataOutputStream out = fs.create(p, true)) {
              out.write(data);
            }
          } else {
            try (FSDataInputStream s = fs.open(p)) {
              s.readFully(0, buf);
            }
          }
          System.out.println(System.nanoTime() - t0);
        }
        System.out.println("done");
        System.out.flush();
      }
    }
  }
}
