package kylingo.bench;

import java.util.Arrays;
import java.util.Locale;

/** Latencies and counts of one workload run, printed as one JSON line. */
final class Stats {
  private long[] lat = new long[0];
  long conflicts;
  long errors;
  double seconds;
  long cpuNanos; // the process's CPU time over the measured part
  double rate; // the offered rate (ops/s) of a paced run; 0: closed loop

  void add(long[] more) {
    long[] all = Arrays.copyOf(lat, lat.length + more.length);
    System.arraycopy(more, 0, all, lat.length, more.length);
    lat = all;
  }

  /** Nearest-rank percentile in microseconds. */
  double percentileMicros(double p) {
    if (lat.length == 0) {
      return 0;
    }
    long[] s = lat.clone();
    Arrays.sort(s);
    int rank = (int) Math.ceil(p / 100.0 * s.length);
    return s[Math.max(0, Math.min(s.length - 1, rank - 1))] / 1000.0;
  }

  /** CPU microseconds per finished operation (conflicts and errors included). */
  double cpuPerOpMicros() {
    long ops = lat.length + errors;
    return ops == 0 ? 0 : cpuNanos / 1000.0 / ops;
  }

  String json(String side, String workload, int clients, int round) {
    return String.format(Locale.ROOT,
        "{\"side\":\"%s\",\"workload\":\"%s\",\"round\":%d,\"clients\":%d,\"ops\":%d,"
            + "\"seconds\":%.3f,\"ops_per_sec\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,"
            + "\"conflicts\":%d,\"errors\":%d,\"cpu_us_per_op\":%.2f,\"rate\":%.0f}",
        side, workload, round, clients, lat.length, seconds, lat.length / seconds,
        percentileMicros(50), percentileMicros(99), conflicts, errors, cpuPerOpMicros(), rate);
  }
}
