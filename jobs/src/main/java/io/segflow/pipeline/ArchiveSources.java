package io.segflow.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.CatalogBaseTable;

/**
 * The input tables (see {@link InputTopics}) as an archive in files instead of Kafka: one directory
 * per table, JSON lines with the table's physical and Kafka metadata columns (payload, kafka_topic,
 * kafka_partition, kafka_offset, kafka_timestamp). A backfill reads the archive through the very
 * tables the SQL declares: each is shadowed by a temporary filesystem table of the same name, the
 * same columns (metadata columns become stored ones) and the same computed columns and watermark,
 * so staging, entities and features run unchanged and see the same values as from Kafka.
 */
public final class ArchiveSources {

    private ArchiveSources() {}

    /** Reads {@code table} from {@code archive/table} from now on in this environment. */
    static void readFromArchive(TableEnvironment tableEnv, String table, Path archive) {
        Schema declared = catalogTable(tableEnv, table).getUnresolvedSchema();
        tableEnv.createTemporaryTable(
                table,
                TableDescriptor.forConnector("filesystem")
                        .schema(storedSchema(declared, true))
                        .option("path", archive.resolve(table).toUri().toString())
                        .format("json")
                        .build());
    }

    /** Where {@code table}'s records are archived: its stored columns in JSON lines. */
    static TableDescriptor archiveSink(TableEnvironment tableEnv, String table, Path archive) {
        return TableDescriptor.forConnector("filesystem")
                .schema(storedSchema(catalogTable(tableEnv, table).getUnresolvedSchema(), false))
                .option("path", archive.resolve(table).toUri().toString())
                .format("json")
                .build();
    }

    /** The columns an archive stores: physical and metadata ones, in the declared order. */
    static List<String> storedColumns(TableEnvironment tableEnv, String table) {
        List<String> columns = new ArrayList<>();
        for (Schema.UnresolvedColumn column :
                catalogTable(tableEnv, table).getUnresolvedSchema().getColumns()) {
            if (!(column instanceof Schema.UnresolvedComputedColumn)) {
                columns.add(column.getName());
            }
        }
        return columns;
    }

    private static Schema storedSchema(Schema declared, boolean withComputed) {
        Schema.Builder schema = Schema.newBuilder();
        for (Schema.UnresolvedColumn column : declared.getColumns()) {
            if (column instanceof Schema.UnresolvedPhysicalColumn physical) {
                schema.column(physical.getName(), physical.getDataType());
            } else if (column instanceof Schema.UnresolvedMetadataColumn metadata) {
                schema.column(metadata.getName(), metadata.getDataType());
            } else if (withComputed && column instanceof Schema.UnresolvedComputedColumn computed) {
                schema.columnByExpression(computed.getName(), computed.getExpression());
            }
        }
        if (withComputed) {
            for (Schema.UnresolvedWatermarkSpec watermark : declared.getWatermarkSpecs()) {
                schema.watermark(watermark.getColumnName(), watermark.getWatermarkExpression());
            }
        }
        return schema.build();
    }

    /** Records in an archive: its JSON lines, in-progress files of a running export excluded. */
    public static long records(Path archive) {
        try (Stream<Path> files = Files.walk(archive)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .mapToLong(ArchiveSources::lines)
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the archive " + archive, e);
        }
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(line -> !line.isBlank()).count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static CatalogBaseTable catalogTable(TableEnvironment tableEnv, String table) {
        return InputTopics.catalogTable(tableEnv, table);
    }
}
