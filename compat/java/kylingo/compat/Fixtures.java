package kylingo.compat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kylin.common.persistence.JsonSerializer;
import org.apache.kylin.common.persistence.ResourceStore;
import org.apache.kylin.common.persistence.RootPersistentEntity;
import org.apache.kylin.common.util.JsonUtil;
import org.apache.kylin.cube.CubeInstance;
import org.apache.kylin.cube.model.CubeDesc;
import org.apache.kylin.job.dao.ExecutableDao;
import org.apache.kylin.job.dao.ExecutableOutputPO;
import org.apache.kylin.job.dao.ExecutablePO;
import org.apache.kylin.job.execution.ExecutableState;
import org.apache.kylin.metadata.model.ColumnDesc;
import org.apache.kylin.metadata.model.DataModelDesc;
import org.apache.kylin.metadata.model.TableDesc;
import org.apache.kylin.metadata.model.TableExtDesc;
import org.apache.kylin.metadata.project.ProjectInstance;
import org.apache.kylin.metadata.realization.RealizationStatusEnum;
import org.apache.kylin.rest.security.ManagedUser;

/**
 * Fixtures writes, through Kylin's own classes and serializers, a metastore
 * holding every resource type that can stand alone: project, table, table
 * extension, model, cube desc, cube, user records, jobs in every state with
 * and without output records, a job of a class that does not exist, an
 * empty /kylin.properties and a 12 MiB snapshot. Timestamps are fixed so the
 * result is the same on every run (UUIDs are random).
 */
final class Fixtures {
    /** Base is the first timestamp written; each resource gets the next millisecond. */
    static final long BASE = 1_600_000_000_000L;

    private Fixtures() {
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("fixtures.generate", Fixtures::generate);
    }

    private static long ts = BASE;

    private static long next() {
        return ts++;
    }

    private static <T extends RootPersistentEntity> void put(ResourceStore s, String path, T obj, Class<T> c)
            throws Exception {
        s.putResource(path, obj, next(), new JsonSerializer<>(c));
    }

    private static Object generate(Req r) throws Exception {
        ts = BASE;
        ResourceStore s = Stores.store(r);
        String prj = "fixtures";
        metadata(s, prj);
        users(s, r.list("users"));
        Map<String, Object> jobs = jobs(s, ExecutableDao.getInstance(Configs.forUrl(r.str("url"))));
        s.putResource("/kylin.properties", new ByteArrayInputStream(new byte[0]), next());
        s.putResource("/table_snapshot/DEFAULT.SALES/big.snapshot", new ByteArrayInputStream(bigContent()), next());
        return jobs;
    }

    /** bigContent is 12 MiB of a fixed pseudo-random sequence (xorshift). */
    static byte[] bigContent() {
        byte[] b = new byte[12 << 20];
        long x = 88172645463325252L;
        for (int i = 0; i < b.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }

    private static void metadata(ResourceStore s, String prj) throws Exception {
        TableDesc t = new TableDesc();
        t.updateRandomUuid();
        t.setDatabase("DEFAULT");
        t.setName("SALES");
        t.setTableType("MANAGED_TABLE");
        t.setSourceType(0);
        ColumnDesc[] cols = { column("1", "DAY", "date"), column("2", "REGION", "varchar(256)"),
                column("3", "AMOUNT", "decimal(19,4)") };
        t.setColumns(cols);
        put(s, TableDesc.concatResourcePath("DEFAULT.SALES", prj), t, TableDesc.class);

        TableExtDesc ext = new TableExtDesc();
        ext.updateRandomUuid();
        ext.setIdentity("DEFAULT.SALES");
        ext.setTotalRows(3);
        ext.setCardinality("2,2,3");
        put(s, TableExtDesc.concatResourcePath("DEFAULT.SALES", prj), ext, TableExtDesc.class);

        DataModelDesc m = JsonUtil.readValue("{\"name\":\"sales_model\",\"fact_table\":\"DEFAULT.SALES\","
                + "\"lookups\":[],\"dimensions\":[{\"table\":\"SALES\",\"columns\":[\"DAY\",\"REGION\"]}],"
                + "\"metrics\":[\"SALES.AMOUNT\"],\"partition_desc\":{\"partition_date_column\":\"SALES.DAY\","
                + "\"partition_date_format\":\"yyyy-MM-dd\"},\"filter_condition\":\"\"}", DataModelDesc.class);
        m.updateRandomUuid();
        put(s, DataModelDesc.concatResourcePath("sales_model"), m, DataModelDesc.class);

        CubeDesc d = JsonUtil.readValue("{\"name\":\"sales_cube\",\"model_name\":\"sales_model\","
                + "\"dimensions\":[{\"name\":\"DAY\",\"table\":\"SALES\",\"column\":\"DAY\"},"
                + "{\"name\":\"REGION\",\"table\":\"SALES\",\"column\":\"REGION\"}],"
                + "\"measures\":[{\"name\":\"_COUNT_\",\"function\":{\"expression\":\"COUNT\","
                + "\"parameter\":{\"type\":\"constant\",\"value\":\"1\"},\"returntype\":\"bigint\"}},"
                + "{\"name\":\"TOTAL\",\"function\":{\"expression\":\"SUM\",\"parameter\":{\"type\":\"column\","
                + "\"value\":\"SALES.AMOUNT\"},\"returntype\":\"decimal(19,4)\"}}],"
                + "\"rowkey\":{\"rowkey_columns\":[{\"column\":\"SALES.DAY\",\"encoding\":\"date\"},"
                + "{\"column\":\"SALES.REGION\",\"encoding\":\"dict\"}]},"
                + "\"aggregation_groups\":[{\"includes\":[\"SALES.DAY\",\"SALES.REGION\"],"
                + "\"select_rule\":{\"hierarchy_dims\":[],\"mandatory_dims\":[],\"joint_dims\":[]}}],"
                + "\"hbase_mapping\":{\"column_family\":[{\"name\":\"F1\",\"columns\":[{\"qualifier\":\"M\","
                + "\"measure_refs\":[\"_COUNT_\",\"TOTAL\"]}]}]},\"engine_type\":2,\"storage_type\":2}",
                CubeDesc.class);
        d.updateRandomUuid();
        put(s, CubeDesc.concatResourcePath("sales_cube"), d, CubeDesc.class);

        CubeInstance c = CubeInstance.create("sales_cube", d);
        c.setStatus(RealizationStatusEnum.DISABLED);
        put(s, CubeInstance.concatResourcePath("sales_cube"), c, CubeInstance.class);

        ProjectInstance p = ProjectInstance.create(prj, "ADMIN", "fixtures written by Kylin's classes",
                new LinkedHashMap<>(), null, Collections.singletonList("sales_model"));
        p.setTables(new java.util.TreeSet<>(Collections.singleton("DEFAULT.SALES")));
        put(s, ProjectInstance.concatResourcePath(prj), p, ProjectInstance.class);
    }

    private static ColumnDesc column(String id, String name, String type) {
        ColumnDesc c = new ColumnDesc();
        c.setId(id);
        c.setName(name);
        c.setDatatype(type);
        return c;
    }

    /**
     * users writes one record per {name, hash, roles, disabled, locked}
     * request entry with Kylin's own ManagedUser.
     */
    private static void users(ResourceStore s, List<Map<String, Object>> users) throws Exception {
        for (Map<String, Object> m : users) {
            Req u = new Req(m);
            ManagedUser rec = Users.user(u.str("name"), u.str("hash"), u.str("roles"),
                    Boolean.parseBoolean(u.str("disabled", "false")), Boolean.parseBoolean(u.str("locked", "false")));
            put(s, "/user/" + rec.getUsername(), rec, ManagedUser.class);
        }
    }

    /**
     * jobs writes, through ExecutableDao, one two-step chained job per
     * state with every output record, one per state whose steps have no
     * output record, one with no output record at all, and one whose type is
     * a class that does not exist. It returns id to stored state ("" for none).
     */
    private static Map<String, Object> jobs(ResourceStore s, ExecutableDao dao) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        int n = 0;
        for (ExecutableState st : ExecutableState.values()) {
            for (boolean stepOutputs : new boolean[] { true, false }) {
                String id = String.format("00000000-0000-0000-0000-%012d", n++);
                addJob(dao, id, "org.apache.kylin.job.execution.DefaultChainedExecutable", st.name());
                output(dao, id, st.name());
                out.put(id, st.name());
                for (int i = 0; i < 2; i++) {
                    String sid = id + "-0" + i;
                    if (stepOutputs) {
                        output(dao, sid, st == ExecutableState.SUCCEED ? "SUCCEED" : (i == 0 ? "SUCCEED" : st.name()));
                    }
                    out.put(sid, stepOutputs ? (st == ExecutableState.SUCCEED || i == 0 ? "SUCCEED" : st.name()) : "");
                }
            }
        }
        String none = String.format("00000000-0000-0000-0000-%012d", n++);
        addJob(dao, none, "org.apache.kylin.job.execution.DefaultChainedExecutable", "no output");
        out.put(none, "");
        out.put(none + "-00", "");
        out.put(none + "-01", "");
        String broken = String.format("00000000-0000-0000-0000-%012d", n++);
        ExecutablePO po = new ExecutablePO();
        po.setUuid(broken);
        po.setName("broken type");
        po.setType("org.apache.kylin.job.NoSuchExecutable");
        po.setParams(Collections.singletonMap("cubeName", "sales_cube"));
        po.setTasks(new ArrayList<>());
        dao.addJob(po);
        output(dao, broken, "ERROR");
        out.put(broken, "ERROR");
        return out;
    }

    private static void addJob(ExecutableDao dao, String id, String type, String what) throws Exception {
        ExecutablePO po = new ExecutablePO();
        po.setUuid(id);
        po.setName("job " + what);
        po.setType(type);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("cubeName", "sales_cube");
        params.put("segmentId", "seg-" + id.substring(id.length() - 2));
        po.setParams(params);
        List<ExecutablePO> tasks = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ExecutablePO t = new ExecutablePO();
            t.setUuid(id + "-0" + i);
            t.setName("step " + i);
            t.setType("org.apache.kylin.job.common.ShellExecutable");
            t.setParams(Collections.singletonMap("step", String.valueOf(i)));
            tasks.add(t);
        }
        po.setTasks(tasks);
        po.setLastModified(0);
        dao.addJob(po);
    }

    private static void output(ExecutableDao dao, String id, String state) throws Exception {
        ExecutableOutputPO o = new ExecutableOutputPO();
        o.setUuid(id);
        o.setStatus(state);
        Map<String, String> info = new LinkedHashMap<>();
        info.put("note", "written by Kylin's ExecutableDao");
        o.setInfo(info);
        o.setContent("log of " + id);
        dao.addJobOutput(o);
    }
}
