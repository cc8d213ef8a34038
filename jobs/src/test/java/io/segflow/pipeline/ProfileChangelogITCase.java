package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.sql.SqlScripts;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The customer profile as a changelog, the way the database and the segmentation receive it: a
 * customer's row is inserted once and then only updated, whatever arrives (CRM updates, late
 * identity links, re-pointed links, duplicated events); only a CRM delete deletes it. A marketer
 * querying customer_profile never finds a live customer missing.
 */
class ProfileChangelogITCase extends SegflowITCaseBase {

    @Test
    void aCustomerRowIsInsertedOnceThenOnlyUpdatedUntilTheCrmDeletesIt() throws Exception {
        JobSettings settings = freshSettings().withBoundedMode("latest-offset");
        createTopics(settings);
        int customers = 300;
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            RecordedHistory.write(producer, settings, customers, 4, 5);
        }

        StreamExecutionEnvironment env = flinkEnvironment();
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
        SqlTuning.apply(tableEnv.getConfig(), settings); // planned as the job plans it
        SegflowJob.registerPseudonymFunctions(tableEnv, settings);
        SegflowPipeline pipeline =
                SegflowPipeline.create(
                        tableEnv,
                        SqlScripts.locate(settings.sqlDirectory()),
                        settings.placeholders());
        Map<Long, List<RowKind>> changes = new TreeMap<>();
        try (CloseableIterator<Row> rows =
                tableEnv.toChangelogStream(pipeline.profile()).executeAndCollect()) {
            rows.forEachRemaining(
                    row ->
                            changes.computeIfAbsent(
                                            (Long) row.getField("customer_id"),
                                            id -> new ArrayList<>())
                                    .add(row.getKind()));
        }

        // every live customer has a profile; a deleted one may have come and gone within a batch
        for (long customer = 1; customer <= customers; customer++) {
            assertThat(changes.containsKey(customer) || RecordedHistory.deletes(customer))
                    .as("customer %d", customer)
                    .isTrue();
        }
        changes.forEach(
                (customer, kinds) -> {
                    List<RowKind> updates =
                            kinds.subList(
                                    1,
                                    RecordedHistory.deletes(customer)
                                            ? kinds.size() - 1
                                            : kinds.size());
                    assertThat(kinds.get(0))
                            .as("first change of customer %d", customer)
                            .isEqualTo(RowKind.INSERT);
                    assertThat(updates)
                            .as("changes of customer %d between insert and end", customer)
                            .allMatch(
                                    kind ->
                                            kind == RowKind.UPDATE_AFTER
                                                    || kind == RowKind.UPDATE_BEFORE);
                    if (RecordedHistory.deletes(customer)) {
                        assertThat(kinds.get(kinds.size() - 1))
                                .as("last change of deleted customer %d", customer)
                                .isEqualTo(RowKind.DELETE);
                    }
                });
        // the history updates customers, links some of them late and re-points visitors: rows did
        // change. How many changes reach the changelog depends on how the 250 ms mini-batches fall
        // (a batch folds a customer's changes into one): about half the customers have more than
        // two
        // on this machine, 142 of 300 on a loaded one; a tenth keeps the check from being vacuous.
        assertThat(changes.values().stream().filter(kinds -> kinds.size() > 2).count())
                .isGreaterThan(customers / 10);
    }
}
