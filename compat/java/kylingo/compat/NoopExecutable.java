package kylingo.compat;

import org.apache.kylin.job.exception.ExecuteException;
import org.apache.kylin.job.execution.AbstractExecutable;
import org.apache.kylin.job.execution.ExecutableContext;
import org.apache.kylin.job.execution.ExecuteResult;
import org.apache.kylin.job.impl.threadpool.IJobRunner;

/** NoopExecutable is a step that succeeds at once: a job type of ours on Kylin's side. */
public class NoopExecutable extends AbstractExecutable {
    public NoopExecutable() {
        super();
    }

    @Override
    protected ExecuteResult doWork(ExecutableContext context, IJobRunner runner) throws ExecuteException {
        return ExecuteResult.createSucceed();
    }
}
