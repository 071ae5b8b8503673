package kylingo.hdfs;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * Runs one NameNode and one DataNode (Hadoop's MiniDFSCluster) on loopback
 * until told to stop, for kylin-go's tests.
 *
 * <p>Usage: Cluster BASEDIR [NN_PORT]. NN_PORT 0 (the default) picks a free
 * port in 20000-32767, below Linux's ephemeral range, so that a restarted
 * NameNode finds its port free again. Existing data in BASEDIR is kept (the
 * NameNode is formatted only on the first start, and stopping keeps the data).
 *
 * <p>Client leases expire after 4 s without renewal (Hadoop's soft limit is
 * 60 s), so that tests which kill a writer see its files and locks recovered
 * quickly. When the cluster is active, the root directory is made world-writable
 * and BASEDIR/ready is written atomically with two lines: the NameNode's
 * host:port and the control port. The control port (loopback) takes one
 * command per connection and answers "ok" or "error TEXT":
 * stop-datanode, start-datanode, stop-namenode, start-namenode, shutdown.
 *
 * <p>All cluster calls run on the main thread: SIGTERM, SIGINT, end of
 * standard input (when kylingo.hdfs.watchStdin=true) and the shutdown command
 * only queue a request for it. Stopping from a JVM shutdown hook instead
 * makes the DataNode's threads fail with "Shutdown in progress".
 */
public final class Cluster {
  private static final int LOW = 20000;
  private static final int HIGH = 32768;
  /** Lease limits: a killed writer's files (and locks) free after 4 s, not 60. */
  private static final long LEASE_SOFT_MS = 4_000;
  private static final long LEASE_HARD_MS = 20_000;

  /** A command for the main thread and where its answer goes. */
  private record Request(String command, BlockingQueue<String> reply) {}

  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private MiniDFSCluster cluster;
  private MiniDFSCluster.DataNodeProperties stoppedDataNode;

  private Cluster() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: Cluster BASEDIR [NN_PORT]");
      System.exit(2);
    }
    File base = new File(args[0]).getAbsoluteFile();
    int nnPort = args.length == 2 ? Integer.parseInt(args[1]) : 0;
    new Cluster().run(base, nnPort);
    System.exit(0);
  }

  private void run(File base, int nnPort) throws Exception {
    if (nnPort == 0) {
      nnPort = freePort();
    }
    File[] names = base.listFiles((d, n) -> n.startsWith("name"));
    boolean format = names == null || names.length == 0;
    Configuration conf = configuration();
    cluster = new MiniDFSCluster.Builder(conf, base)
        .numDataNodes(1)
        .nameNodePort(nnPort)
        .format(format)
        .manageNameDfsDirs(true)
        .manageDataDfsDirs(true)
        .build();
    cluster.waitActive();
    cluster.setLeasePeriod(LEASE_SOFT_MS, LEASE_HARD_MS);
    try (FileSystem fs = cluster.getFileSystem()) {
      fs.setPermission(new Path("/"), new FsPermission((short) 0777));
    }
    ServerSocket control = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    startDaemon("control", () -> serve(control));
    watchSignals();
    if (Boolean.getBoolean("kylingo.hdfs.watchStdin")) {
      startDaemon("stdin", this::watchStdin);
    }
    InetSocketAddress nn = cluster.getNameNode().getNameNodeAddress();
    writeReady(base, "127.0.0.1:" + nn.getPort() + "\n" + control.getLocalPort() + "\n");
    System.err.println("kylingo.hdfs: NameNode at 127.0.0.1:" + nn.getPort() + ", control port "
        + control.getLocalPort());
    loop();
    new File(base, "ready").delete();
    control.close();
  }

  private static Configuration configuration() {
    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 1);
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.hostname", "127.0.0.1");
    // A restarted DataNode reports to the NameNode within a second.
    conf.setInt("dfs.heartbeat.interval", 1);
    // Leave safe mode as soon as the blocks are reported after a restart.
    conf.setInt("dfs.namenode.safemode.extension", 0);
    // Two cores: few handler threads.
    conf.setInt("dfs.namenode.handler.count", 4);
    conf.setInt("dfs.datanode.handler.count", 4);
    return conf;
  }

  /** loop runs queued commands on the main thread until shutdown. */
  private void loop() throws InterruptedException {
    while (true) {
      Request r = requests.take();
      String answer;
      try {
        answer = execute(r.command());
      } catch (Exception e) {
        answer = "error " + e.toString().replace('\n', ' ');
      }
      if (r.reply() != null) {
        r.reply().offer(answer);
      }
      if (r.command().equals("shutdown")) {
        return;
      }
    }
  }

  private String execute(String command) throws IOException {
    switch (command) {
      case "stop-datanode":
        if (stoppedDataNode == null) {
          stoppedDataNode = cluster.stopDataNode(0);
        }
        return "ok";
      case "start-datanode":
        if (stoppedDataNode != null) {
          cluster.restartDataNode(stoppedDataNode, true);
          stoppedDataNode = null;
          cluster.waitActive();
        }
        return "ok";
      case "stop-namenode":
        cluster.shutdownNameNode(0);
        return "ok";
      case "start-namenode":
        if (!cluster.isNameNodeUp(0)) {
          cluster.restartNameNode(0, true);
          cluster.setLeasePeriod(LEASE_SOFT_MS, LEASE_HARD_MS);
        }
        return "ok";
      case "shutdown":
        // Not cluster.shutdown(false): it deletes the data at exit.
        cluster.shutdownDataNodes();
        cluster.shutdownNameNodes();
        return "ok";
      default:
        return "error unknown command " + command
            + " (want stop-datanode, start-datanode, stop-namenode, start-namenode, shutdown)";
    }
  }

  /** serve answers control connections, one command each. */
  private void serve(ServerSocket control) {
    while (!control.isClosed()) {
      try (Socket s = control.accept()) {
        s.setSoTimeout(10_000);
        BufferedReader in = new BufferedReader(
            new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null) {
          continue;
        }
        BlockingQueue<String> reply = new SynchronousQueue<>();
        requests.put(new Request(line.trim(), reply));
        Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
        PrintWriter out = new PrintWriter(w, true);
        out.println(reply.take());
      } catch (IOException e) {
        // A client that went away; the next one is served.
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @SuppressWarnings("removal")
  private void watchSignals() {
    for (String name : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(name),
          sig -> requests.offer(new Request("shutdown", null)));
    }
  }

  private void watchStdin() {
    try {
      while (System.in.read() >= 0) {
        // Only the end of input matters.
      }
    } catch (IOException e) {
      // Treated as the end of input.
    }
    requests.offer(new Request("shutdown", null));
  }

  private static void startDaemon(String name, Runnable r) {
    Thread t = new Thread(r, "kylingo-hdfs-" + name);
    t.setDaemon(true);
    t.start();
  }

  private static void writeReady(File base, String text) throws IOException {
    File tmp = new File(base, "ready.tmp");
    Files.writeString(tmp.toPath(), text, StandardCharsets.UTF_8);
    Files.move(tmp.toPath(), new File(base, "ready").toPath(), StandardCopyOption.ATOMIC_MOVE);
  }

  /** freePort returns a loopback port in LOW..HIGH-1 that is free now. */
  private static int freePort() throws IOException {
    for (int i = 0; i < 1000; i++) {
      int p = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
        return p;
      } catch (IOException e) {
        // Taken; try another.
      }
    }
    throw new IOException("no free loopback port in " + LOW + "-" + (HIGH - 1));
  }
}
