package kylingo.compat;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.kylin.job.exception.ExecuteException;
import org.apache.kylin.job.execution.AbstractExecutable;
import org.apache.kylin.job.execution.ExecutableContext;
import org.apache.kylin.job.execution.ExecuteResult;
import org.apache.kylin.job.impl.threadpool.IJobRunner;

/**
 * SleepExecutable is the mixed-cluster fault test's step on Kylin's side:
 * it sleeps for its "sleepMs" parameter and appends "start" and "end"
 * lines (job id, step id, node, epoch ms) to the events file named by the
 * system property kylingo.events, the node being kylingo.node.
 */
public class SleepExecutable extends AbstractExecutable {
    public SleepExecutable() {
        super();
    }

    static void event(String what, String job, String step) {
        eventAt(what, job, step, System.currentTimeMillis());
    }

    /** eventAt appends one event line with the given epoch ms. */
    static synchronized void eventAt(String what, String job, String step, long ms) {
        String file = System.getProperty("kylingo.events");
        if (file == null) {
            return;
        }
        String line = what + " " + job + " " + step + " " + System.getProperty("kylingo.node", "kylin") + " " + ms
                + "\n";
        try (FileOutputStream out = new FileOutputStream(file, true)) {
            out.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("events file " + file, e);
        }
    }

    @Override
    protected ExecuteResult doWork(ExecutableContext context, IJobRunner runner) throws ExecuteException {
        String job = getParentExecutable() == null ? getId() : getParentExecutable().getId();
        event("start", job, getId());
        try {
            Thread.sleep(Long.parseLong(getParam("sleepMs")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            event("end", job, getId());
            return ExecuteResult.createError(e);
        }
        event("end", job, getId());
        return ExecuteResult.createSucceed();
    }
}
