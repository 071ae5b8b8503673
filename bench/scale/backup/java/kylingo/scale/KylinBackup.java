package kylingo.scale;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;

import org.apache.kylin.common.persistence.ResourceTool;

/**
 * KylinBackup runs Kylin 3.1.3's own metadata backup, what `metastore.sh
 * backup` runs: ResourceTool's "download" command, copying every resource of
 * the metadata URL in KYLIN_CONF's kylin.properties into the local directory
 * given as the only argument. It prints one JSON line on stdout, the
 * nanoseconds the command took inside this JVM: {"nanos":N}.
 */
public final class KylinBackup {
    private KylinBackup() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KylinBackup LOCAL_DIR (an existing, empty directory)");
            System.exit(2);
        }
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        // ResourceTool reports on stdout; keep stdout for the answer.
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, "UTF-8"));
        loadHBaseClassSize();
        long start = System.nanoTime();
        ResourceTool.main(new String[] {"download", args[0]});
        long nanos = System.nanoTime() - start;
        out.println("{\"nanos\":" + nanos + "}");
        out.flush();
        // The HBase client's and the copier's threads would keep the JVM up.
        System.exit(0);
    }

    /**
     * hbase-client 1.1.1's ClassSize reads java.version when it initialises
     * and cannot parse "17.x": initialise it once under a version it knows.
     */
    private static void loadHBaseClassSize() throws ClassNotFoundException {
        String v = System.getProperty("java.version");
        System.setProperty("java.version", "1.8.0");
        try {
            Class.forName("org.apache.hadoop.hbase.util.ClassSize");
        } finally {
            System.setProperty("java.version", v);
        }
    }
}
