package io.segflow.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.types.Row;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The model's storage format is written in three places: here, the SQL sink and the database
 * schema.
 */
class ModelRecordTest {

    @Test
    void theColumnsAreThoseOfTheSqlSinkAndTheDatabaseTable() throws IOException {
        assertThat(columnsOf("segflow/sql/90_sinks.sql", ModelRecord.SINK))
                .isEqualTo(ModelRecord.COLUMNS);
        assertThat(columnsOf("segflow/postgres/schema.sql", "segment_model"))
                .isEqualTo(ModelRecord.COLUMNS);
    }

    @Test
    void aRowReadsBackAsTheSameModel() {
        SegmentModel model =
                new SegmentModel(
                        7L,
                        "batch",
                        List.of("visits", "minutes"),
                        new FeatureScaling(new double[] {10, 300}, new double[] {9, 290}),
                        new double[] {-1, -1, 1, 1},
                        new double[] {120, 80},
                        0.5,
                        200,
                        new int[] {3, 8},
                        new String[] {"quiet", "busy"});
        Row row = ModelRecord.toRow(model, Map.of("silhouette", 0.5));
        assertThat(row.getArity()).isEqualTo(ModelRecord.COLUMNS.size());

        SegmentModel read =
                ModelRecord.fromColumns(
                        (Long) row.getField(0),
                        (String) row.getField(2),
                        column -> (String) row.getField(ModelRecord.COLUMNS.indexOf(column)));

        assertThat(read.features()).isEqualTo(model.features());
        assertThat(read.segmentId(1)).isEqualTo(8);
        assertThat(read.segmentName(0)).isEqualTo("quiet");
        assertThat(read.centroid(1)).containsExactly(model.centroid(1), Offset.offset(1e-9));
    }

    @Test
    void aStreamedVersionRecordsHowItComparedWithABatchFit() throws IOException {
        SegmentModel model =
                new SegmentModel(
                                9L,
                                "stream",
                                List.of("visits", "minutes"),
                                new FeatureScaling(new double[] {10, 300}, new double[] {9, 290}),
                                new double[] {-1, -1, 1, 1},
                                new double[] {120, 80},
                                0.5,
                                200,
                                new int[] {3, 8},
                                new String[] {"quiet", "busy"})
                        .withSizes(new long[] {120, 80})
                        .withFitCheck(new SegmentModel.FitCheck(0.41, 0.40, 200));
        Row row = ModelRecord.toRow(model, Map.of());
        JsonNode metrics =
                new ObjectMapper()
                        .readTree((String) row.getField(ModelRecord.COLUMNS.indexOf("metrics")));

        assertThat(metrics.path("inertia_per_customer").asDouble()).isEqualTo(0.41);
        assertThat(metrics.path("batch_inertia_per_customer").asDouble()).isEqualTo(0.40);
        assertThat(metrics.path("fit_check_customers").asInt()).isEqualTo(200);
        // a version that was not compared says nothing rather than a made-up figure
        JsonNode unchecked =
                new ObjectMapper()
                        .readTree(
                                (String)
                                        ModelRecord.toRow(model.withFitCheck(null), Map.of())
                                                .getField(ModelRecord.COLUMNS.indexOf("metrics")));
        assertThat(unchecked.has("inertia_per_customer")).isFalse();
    }

    /** The column names of a CREATE TABLE statement in a bundled SQL file. */
    private static List<String> columnsOf(String resource, String table) throws IOException {
        String sql;
        try (InputStream in =
                ModelRecordTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher create =
                Pattern.compile(
                                "CREATE TABLE (IF NOT EXISTS )?" + table + " \\((.*?)\\n\\)",
                                Pattern.DOTALL)
                        .matcher(sql);
        assertThat(create.find()).as("CREATE TABLE " + table + " in " + resource).isTrue();
        List<String> columns = new ArrayList<>();
        for (String line : create.group(2).split("\\n")) {
            String trimmed = line.trim();
            if (!trimmed.isEmpty()
                    && !trimmed.startsWith("--")
                    && !trimmed.startsWith("PRIMARY KEY")) {
                columns.add(trimmed.split("\\s+")[0]);
            }
        }
        return columns;
    }
}
