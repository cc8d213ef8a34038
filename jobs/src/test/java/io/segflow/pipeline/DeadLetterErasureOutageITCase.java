package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segflow.embedded.EmbeddedPostgresDatabase;
import io.segflow.testing.TcpProxy;
import io.segflow.udfs.Pseudonymiser;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobInfo;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter erasure's JDBC writer when PostgreSQL goes away, on a real server behind a proxy
 * that cuts every connection and refuses new ones. A by-hand outage of {@code run} found that this
 * writer, unlike the table sinks, was the connector's own: its {@code close()} threw ("statement is
 * null") inside the failing task's cleanup, and the TaskManager terminated.
 */
class DeadLetterErasureOutageITCase {

    private static final SinkWriter.Context NO_TIME =
            new SinkWriter.Context() {
                @Override
                public long currentWatermark() {
                    return Long.MIN_VALUE;
                }

                @Override
                public Long timestamp() {
                    return null;
                }
            };

    /** The LIKE pattern the job writes when customer 7 is erased, pseudonymisation off. */
    private static final String CUSTOMER_7 =
            DeadLetterErasure.ErasedCustomers.pattern(Pseudonymiser.off(), 7);

    private static EmbeddedPostgresDatabase postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        // the PostgreSQL driver runs without its assertions (failsafe's argLine in the root pom),
        // so a lost connection fails with the SQLException a production run gets
        postgres = EmbeddedPostgresDatabase.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Test
    void aWriterThatCouldNotWriteClosesWithoutThrowing() throws Exception {
        String database = databaseWithOneDeadLetter("erasure_cut");
        try (TcpProxy proxy = TcpProxy.to(postgres.port())) {
            SinkWriter<String> writer =
                    DeadLetterErasure.sink(settings(proxy, database))
                            .createWriter(new StringWriterContext());
            writer.write(CUSTOMER_7, NO_TIME);
            proxy.cutOff();

            // the checkpoint fails (the task with it) ...
            assertThatThrownBy(() -> writer.flush(false)).isInstanceOf(IOException.class);
            // ... and the failed task's cleanup closes the writer: throwing here would be "FATAL -
            // exception in exception handler", the end of the TaskManager
            assertThatCode(writer::close).doesNotThrowAnyException();
        }
    }

    @Test
    void aWriterWaitsForTheDatabaseAndThenErases() throws Exception {
        String database = databaseWithOneDeadLetter("erasure_wait");
        try (TcpProxy proxy = TcpProxy.to(postgres.port())) {
            proxy.cutOff();
            CompletableFuture<SinkWriter<String>> opening =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return DeadLetterErasure.sink(settings(proxy, database))
                                            .createWriter(new StringWriterContext());
                                } catch (IOException e) {
                                    throw new RuntimeException(e);
                                }
                            });
            Thread.sleep(1500); // the writer's first attempt is refused
            assertThat(opening).isNotDone();
            proxy.restore();

            SinkWriter<String> writer = opening.get(60, TimeUnit.SECONDS);
            writer.write(CUSTOMER_7, NO_TIME);
            writer.flush(false);
            writer.close();
        }
        try (Connection connection = postgres.connect(database);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT raw_payload FROM dead_letter")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isNull();
        }
    }

    private static JobSettings settings(TcpProxy proxy, String database) {
        return JobSettings.defaults()
                .withJdbcUrl("jdbc:postgresql://localhost:" + proxy.port() + "/" + database)
                .withJdbcUser(EmbeddedPostgresDatabase.USER)
                .withJdbcPassword("");
    }

    private static String databaseWithOneDeadLetter(String name) throws Exception {
        postgres.createDatabase(name);
        try (Connection connection = postgres.connect(name);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE dead_letter (id TEXT PRIMARY KEY, raw_payload TEXT)");
            statement.execute(
                    "INSERT INTO dead_letter VALUES ('crm.public.customers/0/1',"
                            + " '{\"customer_id\":\""
                            + Pseudonymiser.off().pseudonym("7")
                            + "\"}')");
        }
        return name;
    }

    /**
     * What a writer of strings is given by Flink's sink operator; the JDBC connector's writer asks
     * for the input serializer, the object reuse and the restored checkpoint only.
     */
    private static final class StringWriterContext implements WriterInitContext {

        @Override
        @SuppressWarnings("unchecked")
        public <IN> TypeSerializer<IN> createInputSerializer() {
            return (TypeSerializer<IN>) StringSerializer.INSTANCE;
        }

        @Override
        public boolean isObjectReuseEnabled() {
            return false;
        }

        @Override
        public OptionalLong getRestoredCheckpointId() {
            return OptionalLong.empty();
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            throw new UnsupportedOperationException();
        }

        @Override
        public MailboxExecutor getMailboxExecutor() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ProcessingTimeService getProcessingTimeService() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SinkWriterMetricGroup metricGroup() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SerializationSchema.InitializationContext
                asSerializationSchemaInitializationContext() {
            throw new UnsupportedOperationException();
        }

        @Override
        public JobInfo getJobInfo() {
            throw new UnsupportedOperationException();
        }

        @Override
        public TaskInfo getTaskInfo() {
            throw new UnsupportedOperationException();
        }
    }
}
