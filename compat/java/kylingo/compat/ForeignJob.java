package kylingo.compat;

import java.util.ArrayList;
import java.util.List;

import org.apache.kylin.job.execution.AbstractExecutable;
import org.apache.kylin.job.execution.ChainedExecutable;
import org.apache.kylin.job.execution.ExecutableContext;
import org.apache.kylin.job.execution.ExecuteResult;
import org.apache.kylin.job.impl.threadpool.IJobRunner;

/**
 * ForeignJob is the Java type of the jobs kylin-go's engine runs in a mixed
 * cluster: Kylin can read them (a chained job with steps) but its
 * schedulers leave them alone. It is never ready for Kylin's fetcher, and,
 * not being a DefaultChainedExecutable, Kylin's DistributedScheduler does
 * not resume it when its lock goes away.
 */
public class ForeignJob extends AbstractExecutable implements ChainedExecutable {
    private final List<AbstractExecutable> tasks = new ArrayList<>();

    public ForeignJob() {
        super();
    }

    @Override
    public boolean isReady() {
        return false;
    }

    @Override
    public List<? extends AbstractExecutable> getTasks() {
        return tasks;
    }

    @Override
    public void addTask(AbstractExecutable executable) {
        tasks.add(executable);
    }

    @Override
    protected ExecuteResult doWork(ExecutableContext context, IJobRunner runner) {
        throw new IllegalStateException("job " + getId() + " belongs to kylin-go's engine; Kylin must not run it");
    }
}
