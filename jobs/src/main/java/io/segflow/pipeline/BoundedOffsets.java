package io.segflow.pipeline;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a bounded streaming run ({@code run --bounded}) stops: the offsets of every partition it
 * reads, fixed when the run first starts, so that the run and any resumption of it stop at the same
 * records. They are kept in the state directory beside the checkpoints.
 *
 * <p>Why not Kafka's own {@code latest-offset}: a bounded Kafka source restored from a checkpoint
 * reads up to its stopping offsets and then never ends (the connector's enumerator does not tell
 * restored readers that no more partitions come, FLINK-31006). With the offsets known, the command
 * ends a resumed run itself, once the job has committed them.
 */
public final class BoundedOffsets {

    static final String FILE = "bounded-offsets.properties";
    private static final String BOUNDED_MODE = "scan.bounded.mode";

    private BoundedOffsets() {}

    /**
     * Kafka's option value for a topic's stopping offsets: {@code
     * partition:0,offset:42;partition:1,offset:7}.
     */
    static String specificOffsets(Map<TopicPartition, Long> offsets, String topic) {
        return offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic))
                .sorted(
                        Map.Entry.comparingByKey(
                                Comparator.comparingInt(TopicPartition::partition)))
                .map(e -> "partition:" + e.getKey().partition() + ",offset:" + e.getValue())
                .collect(Collectors.joining(";"));
    }

    /**
     * Makes every Kafka table the job reads (one with a {@code scan.bounded.mode}) stop at the
     * given offsets of its topic.
     */
    static void apply(TableEnvironment tableEnv, Map<TopicPartition, Long> offsets) {
        String catalog = tableEnv.getCurrentCatalog();
        String database = tableEnv.getCurrentDatabase();
        for (String table : tableEnv.listTables()) {
            Optional<CatalogBaseTable> definition =
                    tableEnv.getCatalog(catalog)
                            .flatMap(
                                    c -> {
                                        try {
                                            return c.tableExists(new ObjectPath(database, table))
                                                    ? Optional.of(
                                                            c.getTable(
                                                                    new ObjectPath(
                                                                            database, table)))
                                                    : Optional.empty();
                                        } catch (Exception e) {
                                            return Optional.empty();
                                        }
                                    });
            if (definition.isEmpty()) {
                continue; // a view or a temporary table
            }
            Map<String, String> options = definition.get().getOptions();
            if (!"kafka".equals(options.get("connector"))
                    || !options.containsKey(BOUNDED_MODE)
                    || options.get("topic") == null) {
                continue;
            }
            String stops = specificOffsets(offsets, options.get("topic"));
            if (stops.isEmpty()) {
                throw new IllegalStateException(
                        "no stopping offsets for topic "
                                + options.get("topic")
                                + " of table "
                                + table);
            }
            tableEnv.executeSql(
                    "ALTER TABLE `"
                            + table
                            + "` SET ('"
                            + BOUNDED_MODE
                            + "' = 'specific-offsets',"
                            + " 'scan.bounded.specific-offsets' = '"
                            + stops
                            + "')");
        }
    }

    /** The offsets of a bounded run kept in its state directory, if any. */
    public static Optional<Map<TopicPartition, Long>> load(Path directory) {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<TopicPartition, Long> offsets =
                new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        for (String key : properties.stringPropertyNames()) {
            int colon = key.lastIndexOf(':');
            offsets.put(
                    new TopicPartition(
                            key.substring(0, colon), Integer.parseInt(key.substring(colon + 1))),
                    Long.parseLong(properties.getProperty(key)));
        }
        return Optional.of(offsets);
    }

    /** Keeps the offsets of a bounded run in its state directory. */
    public static void save(Path directory, Map<TopicPartition, Long> offsets) {
        Properties properties = new Properties();
        offsets.forEach(
                (partition, offset) ->
                        properties.setProperty(
                                partition.topic() + ":" + partition.partition(),
                                Long.toString(offset)));
        try {
            Files.createDirectories(directory);
            try (Writer writer =
                    Files.newBufferedWriter(directory.resolve(FILE), StandardCharsets.UTF_8)) {
                properties.store(writer, "where segflow run --bounded stops, by topic:partition");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the bounded run's offsets to " + directory, e);
        }
    }
}
