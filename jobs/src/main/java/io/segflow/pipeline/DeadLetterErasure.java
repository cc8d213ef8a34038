package io.segflow.pipeline;

import io.segflow.infra.GuardedJdbcSink;
import io.segflow.infra.JdbcUrls;
import io.segflow.segments.ProfileUpdate;
import io.segflow.udfs.Pseudonymiser;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

/**
 * Erasure of a customer's dead letters: when the CRM deletes a customer (their profile is deleted),
 * the dead letters of the CRM records about them lose their payload. A dead letter names its
 * customer only by pseudonym ({@code "customer_id":"<pseudonym>"} in its masked payload, see
 * MASK_PERSONAL_DATA), so that is what is looked for. Dead letters are few and erasures rare: the
 * LIKE scans the table once per erased customer.
 *
 * <p>The statement runs through the JDBC connector's sink, at checkpoints like the other JDBC
 * sinks, and with their guard (GuardedJdbcSink); replayed after a failure it does the same again. A
 * backfill deletes no profile, so it erases nothing (it rewrites dead letters from the topics,
 * which hold what the CRM sent).
 */
final class DeadLetterErasure {

    static final String STATEMENT =
            "UPDATE dead_letter SET raw_payload = NULL"
                    + " WHERE raw_payload LIKE ? AND raw_payload IS NOT NULL";

    private DeadLetterErasure() {}

    static void attach(DataStream<ProfileUpdate> updates, JobSettings settings) {
        updates.flatMap(new ErasedCustomers(settings.pseudonymKey()))
                .returns(Types.STRING)
                .name("erased customers")
                .uid("erased-customers")
                .sinkTo(sink(settings))
                .name("dead letters of erased customers")
                .uid("dead-letter-erasure");
    }

    /**
     * The connector's sink, guarded as the table sinks are (its writer's close() has the same
     * defect, see GuardedJdbcSink), on the sinks' URL (with their read timeout, see JdbcUrls).
     */
    static GuardedJdbcSink<String> sink(JobSettings settings) {
        JdbcSink<String> sink =
                JdbcSink.<String>builder()
                        .withQueryStatement(
                                STATEMENT, (statement, pattern) -> statement.setString(1, pattern))
                        .withExecutionOptions(
                                JdbcExecutionOptions.builder()
                                        .withBatchIntervalMs(
                                                settings.effectiveFlushInterval().toMillis())
                                        .withMaxRetries(3)
                                        .build())
                        .buildAtLeastOnce(
                                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                                        .withUrl(JdbcUrls.forSinks(settings.jdbcUrl()))
                                        .withDriverName("org.postgresql.Driver")
                                        .withUsername(settings.jdbcUser())
                                        .withPassword(settings.jdbcPassword())
                                        .build());
        return GuardedJdbcSink.of(sink, "dead_letter erasure");
    }

    /** A deleted profile's customer as the LIKE pattern of their masked dead letters. */
    static final class ErasedCustomers extends RichFlatMapFunction<ProfileUpdate, String> {

        private static final long serialVersionUID = 1L;

        /** Null: pseudonymisation off (ids kept, as MASK_PERSONAL_DATA then keeps them). */
        private final byte[] key;

        private transient Pseudonymiser pseudonymiser;

        ErasedCustomers(byte[] key) {
            this.key = key;
        }

        @Override
        public void open(OpenContext openContext) {
            pseudonymiser = key == null ? Pseudonymiser.off() : Pseudonymiser.withKey(key);
        }

        @Override
        public void flatMap(ProfileUpdate update, Collector<String> out) {
            if (update.deleted) {
                out.collect(pattern(pseudonymiser, update.customerId));
            }
        }

        static String pattern(Pseudonymiser pseudonymiser, long customerId) {
            return "%\"customer_id\":\""
                    + pseudonymiser.pseudonym(Long.toString(customerId))
                    + "\"%";
        }
    }
}
