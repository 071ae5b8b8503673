package kylingo.compat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kylin.job.execution.AbstractExecutable;
import org.apache.kylin.job.execution.ChainedExecutable;
import org.apache.kylin.job.execution.DefaultChainedExecutable;
import org.apache.kylin.job.execution.ExecutableManager;
import org.apache.kylin.job.execution.ExecutableState;
import org.apache.kylin.job.execution.Output;

/**
 * Jobs runs Kylin's ExecutableManager (over ExecutableDao) on the metastore
 * named by the request's metadata URL: jobs are DefaultChainedExecutables
 * whose steps are NoopExecutables.
 */
final class Jobs {
    private Jobs() {
    }

    static ExecutableManager manager(Req r) {
        return ExecutableManager.getInstance(Configs.forUrl(r.str("url")));
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("job.add", Jobs::add);
        ops.put("job.get", Jobs::get);
        ops.put("job.ids", r -> manager(r).getAllJobIds());
        ops.put("job.setState", r -> {
            manager(r).updateJobOutput(r.str("id"), ExecutableState.valueOf(r.str("state")), r.strMap("info"),
                    r.str("content", null));
            return null;
        });
        ops.put("job.discard", r -> {
            manager(r).discardJob(r.str("id"));
            return null;
        });
    }

    private static Object add(Req r) throws Exception {
        DefaultChainedExecutable job = new DefaultChainedExecutable();
        job.setId(r.str("id"));
        job.setName(r.str("name"));
        job.setParams(r.strMap("params"));
        for (Map<String, Object> s : r.list("steps")) {
            Req sr = new Req(s);
            AbstractExecutable step = (AbstractExecutable) Class
                    .forName(sr.str("class", NoopExecutable.class.getName())).getDeclaredConstructor().newInstance();
            step.setName(sr.str("name"));
            step.setParams(sr.strMap("params"));
            job.addTask(step);
        }
        manager(r).addJob(job);
        return job.getId();
    }

    private static Object get(Req r) {
        ExecutableManager m = manager(r);
        AbstractExecutable job = m.getJob(r.str("id"));
        if (job == null) {
            return null;
        }
        Map<String, Object> out = describe(m, job);
        List<Object> steps = new ArrayList<>();
        if (job instanceof ChainedExecutable) {
            for (AbstractExecutable s : ((ChainedExecutable) job).getTasks()) {
                steps.add(describe(m, s));
            }
        }
        out.put("steps", steps);
        return out;
    }

    private static Map<String, Object> describe(ExecutableManager m, AbstractExecutable e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.getId());
        out.put("name", e.getName());
        out.put("class", e.getClass().getName());
        out.put("params", e.getParams());
        Output o = m.getOutput(e.getId());
        out.put("state", o.getState().name());
        out.put("info", o.getExtra());
        out.put("content", o.getVerboseMsg());
        out.put("ts", o.getLastModified());
        return out;
    }
}
