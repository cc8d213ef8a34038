package io.segflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.embedded.EmbeddedPostgresDatabase;
import io.segflow.infra.PostgresSchema;
import io.segflow.testing.SegflowITCaseBase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.junit.jupiter.api.Test;

/**
 * The report's life-cycle queries on a real PostgreSQL with the shipped schema: transitions per
 * month, conversion by path, statuses per segment; and the retention that starting a job applies.
 */
class LifecyclesITCase extends SegflowITCaseBase {

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM");

    @Test
    void transitionsPathsAndStatusesFromTheHistoryWithinItsRetention() throws Exception {
        String database = postgres().createDatabase("lifecycles");
        String url = postgres().jdbcUrl(database);
        ResolvedSchema profile =
                ResolvedSchema.of(
                        Column.physical("customer_id", DataTypes.BIGINT().notNull()),
                        Column.physical("converted_to_sale", DataTypes.BOOLEAN()));
        PostgresSchema.apply(url, EmbeddedPostgresDatabase.USER, null, profile);

        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        LocalDateTime earlier = now.minusDays(40);
        LocalDateTime later = now.minusDays(2);
        LocalDateTime pastRetention = now.minusDays(401);
        try (Connection connection = postgres().connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "INSERT INTO customer_profile (customer_id, converted_to_sale) VALUES"
                            + " (1, true), (2, false), (3, true), (4, NULL), (5, true)");
            statement.execute(
                    "INSERT INTO customer_segment (customer_id, segment_id, segment_name,"
                            + " model_version, assigned_at, status) VALUES"
                            + " (1, 2, 'buyers', 9, now(), 'confirmed'),"
                            + " (2, 2, 'buyers', 9, now(), 'provisional'),"
                            + " (3, 1, 'readers', 9, now(), 'confirmed'),"
                            + " (4, 2, 'buyers', 9, now(), 'provisional'),"
                            + " (5, 2, 'buyers', 9, now(), 'confirmed')");
            try (PreparedStatement insert =
                    connection.prepareStatement(
                            "INSERT INTO segment_history (customer_id, seq, from_segment,"
                                    + " to_segment, model_version, changed_at)"
                                    + " VALUES (?, ?, ?, ?, 9, ?)")) {
                history(insert, 1, 1, null, 1, earlier);
                history(insert, 1, 2, 1, 2, later);
                history(insert, 2, 1, null, 1, earlier);
                history(insert, 2, 2, 1, 2, later);
                history(insert, 3, 1, null, 1, earlier);
                history(insert, 4, 1, null, 2, later);
                history(insert, 5, 1, null, 1, pastRetention); // goes with the retention
                history(insert, 5, 2, 1, 2, later);
            }
        }
        // what every run, insight and retrain does as it starts
        PostgresSchema.apply(url, EmbeddedPostgresDatabase.USER, null, profile);

        Lifecycles lifecycles;
        try (Connection connection = postgres().connect(database)) {
            lifecycles = ReportData.read(connection, url, now).lifecycles();
        }
        String readers = "1 readers";
        String buyers = "2 buyers";
        List<Lifecycles.Month> months = lifecycles.months();
        // forty days apart: two months
        assertThat(months)
                .extracting(Lifecycles.Month::month)
                .containsExactly(MONTH.format(earlier), MONTH.format(later));
        Lifecycles.Month first = months.get(0);
        assertThat(first.from()).containsExactly(Lifecycles.NEW);
        assertThat(first.to()).containsExactly(readers);
        assertThat(first.counts()).containsExactly(List.of(3L));
        Lifecycles.Month second = months.get(1);
        assertThat(second.from()).containsExactly(Lifecycles.NEW, readers);
        assertThat(second.to()).containsExactly(buyers);
        // customer 4 arrived; 1, 2 and 5 moved from readers to buyers
        assertThat(second.counts()).containsExactly(List.of(1L), List.of(3L));
        assertThat(months.stream().mapToLong(Lifecycles.Month::total).sum()).isEqualTo(7);

        assertThat(lifecycles.paths())
                .extracting(p -> String.join(" > ", p.segments()) + ": " + p.customers())
                .containsExactly("1 readers > 2 buyers: 2", "2 buyers: 2", "1 readers: 1");
        Lifecycles.Path readersThenBuyers = lifecycles.paths().get(0);
        assertThat(readersThenBuyers.conversionRate()).isEqualTo(0.5);
        // customer 4's conversion is unknown; customer 5's earlier row is past the retention
        Lifecycles.Path buyersOnly = lifecycles.paths().get(1);
        assertThat(buyersOnly.known()).isEqualTo(1);
        assertThat(buyersOnly.conversionRate()).isEqualTo(1.0);

        assertThat(lifecycles.statuses())
                .containsExactly(
                        new Lifecycles.StatusShare(readers, 0, 1),
                        new Lifecycles.StatusShare(buyers, 2, 2));
    }

    private static void history(
            PreparedStatement insert,
            long customer,
            int seq,
            Integer from,
            int to,
            LocalDateTime changedAt)
            throws Exception {
        insert.setLong(1, customer);
        insert.setInt(2, seq);
        insert.setObject(3, from);
        insert.setInt(4, to);
        insert.setObject(5, changedAt);
        insert.executeUpdate();
    }
}
