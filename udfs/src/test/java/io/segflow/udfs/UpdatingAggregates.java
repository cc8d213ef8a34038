package io.segflow.udfs;

import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/** Runs an aggregation over an updating input the way the job does, and keeps its final rows. */
final class UpdatingAggregates {

    private UpdatingAggregates() {}

    /**
     * A streaming table environment at parallelism 1; with mini-batch as the job runs it: partial
     * accumulators merged by a global aggregation.
     */
    static StreamTableEnvironment streaming(boolean miniBatch) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment streaming = StreamTableEnvironment.create(env);
        if (miniBatch) {
            streaming.getConfig().set("table.exec.mini-batch.enabled", "true");
            streaming.getConfig().set("table.exec.mini-batch.allow-latency", "100 ms");
            streaming.getConfig().set("table.exec.mini-batch.size", "1000");
            streaming.getConfig().set("table.optimizer.agg-phase-strategy", "TWO_PHASE");
        }
        return streaming;
    }

    /** The last row of each key (the first column, an INT) once the query's changelog ends. */
    static Map<Integer, Row> finalRows(StreamTableEnvironment streaming, String query)
            throws Exception {
        Map<Integer, Row> latest = new TreeMap<>();
        try (CloseableIterator<Row> it =
                streaming.toChangelogStream(streaming.sqlQuery(query)).executeAndCollect()) {
            it.forEachRemaining(
                    row -> {
                        switch (row.getKind()) {
                            case INSERT, UPDATE_AFTER -> latest.put((Integer) row.getField(0), row);
                            case DELETE -> latest.remove((Integer) row.getField(0));
                            default -> {}
                        }
                    });
        }
        return latest;
    }
}
