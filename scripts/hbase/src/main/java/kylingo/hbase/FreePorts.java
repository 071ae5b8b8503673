package kylingo.hbase;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Prints N distinct loopback TCP ports that are free now, one per line.
 *
 * <p>Ports come from 20000-32767, below Linux's default ephemeral range
 * (32768-60999): a server that restarts on the same ports must not find one
 * taken by some client's outgoing connection meanwhile. 2181-2183, 2888,
 * 3888 and 16000-16030 are never chosen. Every chosen port stays bound
 * until all are chosen, so the N ports differ. Usage: FreePorts N.
 */
public final class FreePorts {
  private static final int LOW = 20000;
  private static final int HIGH = 32768;
  private static final int ATTEMPTS = 1000;

  private FreePorts() {}

  public static void main(String[] args) throws IOException {
    int n = args.length == 1 ? Integer.parseInt(args[0]) : 1;
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < ATTEMPTS && held.size() < n; i++) {
        ServerSocket s = tryBind(ThreadLocalRandom.current().nextInt(LOW, HIGH));
        if (s != null) {
          held.add(s);
        }
      }
      if (held.size() < n) {
        System.err.println("FreePorts: found only " + held.size() + " of " + n + " free ports in "
            + LOW + "-" + (HIGH - 1));
        System.exit(1);
      }
      for (ServerSocket s : held) {
        System.out.println(s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  private static ServerSocket tryBind(int port) {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return s;
    } catch (IOException e) {
      return null;
    }
  }
}
