package kylingo.compat;

import java.util.Map;

import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.kylin.common.StorageURL;
import org.apache.kylin.storage.hbase.HBaseConnection;

/**
 * Tables drops what the compatibility tests create in HBase, through the
 * connection Kylin's HBaseConnection keeps for a metadata URL (kylin-go has
 * no table-dropping admin call of its own).
 */
final class Tables {
    private Tables() {
    }

    static void register(Map<String, Harness.Op> ops) {
        ops.put("hbase.drop", r -> {
            StorageURL url = StorageURL.valueOf(r.str("url"));
            TableName t = TableName.valueOf(url.getIdentifier());
            try (Admin admin = HBaseConnection.get(url).getAdmin()) {
                if (!admin.tableExists(t)) {
                    return false;
                }
                if (admin.isTableEnabled(t)) {
                    admin.disableTable(t);
                }
                admin.deleteTable(t);
                return true;
            }
        });
    }
}
