package kylingo.compat;

import java.io.IOException;
import java.util.Map;

import org.apache.kylin.common.KylinConfig;
import org.apache.kylin.job.engine.JobEngineConfig;
import org.apache.kylin.job.impl.curator.CuratorLeaderSelector;
import org.apache.kylin.job.impl.curator.CuratorScheduler;
import org.apache.kylin.job.impl.threadpool.DefaultScheduler;
import org.apache.kylin.job.lock.MockJobLock;

/**
 * CuratorSchedulers runs Kylin's CuratorScheduler (kylin.job.scheduler.default=100)
 * on the metastore of a metadata URL: the node joins Curator's leader
 * election on /job_engine/leader with kylin.server.host-address as its id,
 * and while it leads runs Kylin's DefaultScheduler.
 *
 * A watcher thread records the node's leadership in the events file
 * (system property kylingo.events) as "lead - - NODE MS" and
 * "unlead - - NODE MS" lines. The node counts as leading while Curator says
 * it holds leadership or DefaultScheduler is started. The watcher polls, so
 * each recorded interval is widened to cover the real one: "lead" carries
 * the time of the last poll that saw the node not leading, "unlead" the
 * time of the first poll that saw it stop.
 */
final class CuratorSchedulers {
    private static final long POLL_MS = 10;

    private static CuratorScheduler running;

    private CuratorSchedulers() {
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("curator.start", r -> {
            KylinConfig c = Configs.forUrl(r.str("url"));
            c.setProperty("kylin.job.scheduler.default", "100");
            c.setProperty("kylin.job.scheduler.poll-interval-second", r.str("poll", "1"));
            long before = System.currentTimeMillis(); // the node cannot lead before it joins
            synchronized (CuratorSchedulers.class) {
                if (running != null) {
                    throw new IllegalStateException("a CuratorScheduler already runs in this JVM");
                }
                CuratorScheduler s = new CuratorScheduler();
                s.init(new JobEngineConfig(c), new MockJobLock());
                running = s;
            }
            Thread w = new Thread(() -> watch(before), "kylingo-leadership-watch");
            w.setDaemon(true);
            w.start();
            return running.hasStarted();
        });
    }

    /** leading reports whether this JVM's Kylin node acts as the job-engine leader. */
    private static boolean leading() {
        CuratorLeaderSelector sel = CuratorScheduler.getLeaderSelector();
        try {
            if (sel != null && sel.hasLeadership()) {
                return true;
            }
        } catch (IOException e) {
            // fall through to the scheduler's state
        }
        return DefaultScheduler.getInstance().hasStarted();
    }

    private static void watch(long joined) {
        boolean was = false;
        long lastNotLeading = joined;
        while (true) {
            long before = System.currentTimeMillis();
            boolean is = leading();
            if (is && !was) {
                SleepExecutable.eventAt("lead", "-", "-", lastNotLeading);
            } else if (!is && was) {
                SleepExecutable.eventAt("unlead", "-", "-", System.currentTimeMillis());
            }
            if (!is) {
                lastNotLeading = before;
            }
            was = is;
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static void closeAll() throws Exception {
        synchronized (CuratorSchedulers.class) {
            if (running != null) {
                running.shutdown();
                running = null;
            }
        }
    }
}
