package kylingo.compat;

/** JdkQuirks gets Kylin 3.1.3's Hadoop and HBase clients to load on JDK 17. */
final class JdkQuirks {
    private JdkQuirks() {
    }

    /**
     * hbase-client 1.1.1's ClassSize parses java.version in its static
     * initialiser and fails on "17.x"; it initialises once with "1.8.0".
     */
    static void apply() throws ClassNotFoundException {
        String v = System.getProperty("java.version");
        System.setProperty("java.version", "1.8.0");
        try {
            Class.forName("org.apache.hadoop.hbase.util.ClassSize");
        } finally {
            System.setProperty("java.version", v);
        }
    }
}
