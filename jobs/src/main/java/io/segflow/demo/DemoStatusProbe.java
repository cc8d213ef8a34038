package io.segflow.demo;

import io.segflow.infra.TopicOffsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the demo's state where a user would look: the input topics and the consumer group's
 * committed offsets in Kafka, the result tables in PostgreSQL. Nothing inside the job is asked, so
 * what the console shows is what the database really holds.
 */
public final class DemoStatusProbe implements AutoCloseable {

    private final TopicOffsets offsets;
    private final List<String> inputTopics;
    private final String consumerGroup;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private Connection connection;
    private long lastRecords = -1;
    private long lastNanos;

    public DemoStatusProbe(
            String bootstrapServers,
            List<String> inputTopics,
            String consumerGroup,
            String jdbcUrl,
            String user,
            String password) {
        this.offsets = new TopicOffsets(bootstrapServers, Duration.ofSeconds(5));
        this.inputTopics = inputTopics;
        this.consumerGroup = consumerGroup;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    public DemoStatus sample(String jobStatus) {
        long records = -1;
        long lag = -1;
        try {
            Map<TopicPartition, Long> ends = offsets.latest(inputTopics);
            records = ends.values().stream().mapToLong(Long::longValue).sum();
            lag = lag(ends);
        } catch (Exception kafkaBusy) {
            // shown as unknown this second; the next sample tries again
        }
        long now = System.nanoTime();
        double perSecond =
                lastRecords < 0 || records < 0
                        ? 0
                        : (records - lastRecords) / ((now - lastNanos) / 1e9);
        if (records >= 0) {
            lastRecords = records;
            lastNanos = now;
        }
        return new DemoStatus(
                records,
                perSecond,
                lag,
                count("SELECT count(*) FROM customer_profile"),
                segments(),
                latestModelVersion(),
                count("SELECT count(*) FROM segment_model"),
                count("SELECT count(*) FROM dead_letter"),
                jobStatus,
                latestPropensityVersion(),
                count("SELECT count(*) FROM customer_score WHERE scored_by = 'stream'"));
    }

    /** -1 until the job has committed offsets (it does so when a checkpoint completes). */
    private long lag(Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, Long> committed = offsets.committed(consumerGroup);
        if (committed.isEmpty()) {
            return -1;
        }
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            lag += end.getValue() - committed.getOrDefault(end.getKey(), 0L);
        }
        return lag;
    }

    private List<DemoStatus.SegmentSize> segments() {
        List<DemoStatus.SegmentSize> sizes = new ArrayList<>();
        query(
                "SELECT g.segment_id, max(g.segment_name), count(*), avg(s.potential_score)"
                        + " FROM customer_segment g LEFT JOIN customer_score s USING"
                        + " (customer_id) GROUP BY g.segment_id ORDER BY g.segment_id",
                rs -> {
                    while (rs.next()) {
                        double potential = rs.getDouble(4);
                        sizes.add(
                                new DemoStatus.SegmentSize(
                                        rs.getInt(1),
                                        rs.getString(2),
                                        rs.getLong(3),
                                        rs.wasNull() ? null : potential));
                    }
                });
        return sizes;
    }

    private Long latestPropensityVersion() {
        Long[] version = {null};
        query(
                "SELECT max(model_version) FROM propensity_model WHERE scorer IS NOT NULL",
                rs -> {
                    if (rs.next()) {
                        long v = rs.getLong(1);
                        version[0] = rs.wasNull() ? null : v;
                    }
                });
        return version[0];
    }

    private Long latestModelVersion() {
        Long[] version = {null};
        query(
                "SELECT max(model_version) FROM segment_model",
                rs -> {
                    if (rs.next()) {
                        long v = rs.getLong(1);
                        version[0] = rs.wasNull() ? null : v;
                    }
                });
        return version[0];
    }

    private long count(String sql) {
        long[] count = {-1};
        query(
                sql,
                rs -> {
                    rs.next();
                    count[0] = rs.getLong(1);
                });
        return count[0];
    }

    private interface RowsReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowsReader reader) {
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(jdbcUrl, user, password);
            }
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(sql)) {
                reader.read(rs);
            }
        } catch (SQLException tableNotThereYet) {
            closeConnection();
        }
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // the next query opens a new one
        }
        connection = null;
    }

    @Override
    public void close() {
        closeConnection();
        offsets.close();
    }
}
