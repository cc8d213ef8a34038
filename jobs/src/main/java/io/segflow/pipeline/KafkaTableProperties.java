package io.segflow.pipeline;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.catalog.CatalogManager;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.ContextResolvedTable;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.UnresolvedIdentifier;

/**
 * Gives every Kafka table of the SQL (connector kafka or upsert-kafka, the files' own and any a SQL
 * user adds) the configured Kafka client properties, as its {@code properties.*} options: SASL, TLS
 * and the like reach every source and sink without an edit of the SQL, and secrets never appear in
 * its text. A configured property wins over the same {@code properties.*} option in the SQL: the
 * SQL describes the pipeline, the configuration the cluster it runs against.
 *
 * <p>The tables are changed in the catalog, not through {@code ALTER TABLE} statements, so that no
 * statement text carries a secret.
 */
final class KafkaTableProperties {

    private static final Set<String> KAFKA_CONNECTORS = Set.of("kafka", "upsert-kafka");
    private static final String PREFIX = "properties.";

    private KafkaTableProperties() {}

    /**
     * Adds the properties to each Kafka table not in {@code done}, which collects the tables
     * handled; call after every statement that may create tables, before any statement reads them.
     */
    static void apply(
            TableEnvironment tableEnv, Map<String, String> properties, Set<ObjectIdentifier> done) {
        if (properties.isEmpty()) {
            return;
        }
        CatalogManager catalogs = ((TableEnvironmentInternal) tableEnv).getCatalogManager();
        for (String name : tableEnv.listTables()) {
            ObjectIdentifier id = catalogs.qualifyIdentifier(UnresolvedIdentifier.of(name));
            if (done.contains(id)) {
                continue;
            }
            Optional<ContextResolvedTable> resolved = catalogs.getTable(id);
            if (resolved.isEmpty() || !(resolved.get().getTable() instanceof CatalogTable table)) {
                continue; // a view
            }
            if (!KAFKA_CONNECTORS.contains(table.getOptions().get("connector"))) {
                continue;
            }
            Map<String, String> options = new HashMap<>(table.getOptions());
            properties.forEach((key, value) -> options.put(PREFIX + key, value));
            CatalogTable configured = table.copy(options);
            if (resolved.get().isTemporary()) {
                catalogs.dropTemporaryTable(id, false);
                catalogs.createTemporaryTable(configured, id, false);
            } else {
                catalogs.alterTable(configured, id, false);
            }
            done.add(id);
        }
    }
}
