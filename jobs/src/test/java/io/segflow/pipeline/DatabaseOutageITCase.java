package io.segflow.pipeline;

import io.segflow.testing.FaultRun;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import io.segflow.testing.TcpProxy;
import java.time.Duration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away for 30 seconds mid-stream, as in a failover or a maintenance restart: every
 * open connection is cut and new ones are refused, while records keep arriving. The job, with its
 * defaults, rides it out or restarts by itself; once the database is back it catches up, its
 * TaskManager is still there with its slots, checkpoints complete again, and every table holds what
 * an uninterrupted run over the same input writes.
 */
class DatabaseOutageITCase extends SegflowITCaseBase {

    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @Test
    void aThirtySecondDatabaseOutageEndsWithTheRowsOfAnUninterruptedRun() throws Exception {
        JobSettings settings = FaultRun.frozenModel(defaultSettings());
        FaultRun run;
        try (TcpProxy database = TcpProxy.to(postgres().port())) {
            // the job reaches PostgreSQL through the proxy; the test reads it directly
            String databaseName =
                    settings.jdbcUrl().substring(settings.jdbcUrl().lastIndexOf('/') + 1);
            settings =
                    settings.withJdbcUrl(
                            "jdbc:postgresql://127.0.0.1:" + database.port() + "/" + databaseName);
            run = FaultRun.prepare(settings, restAddress());
            RecordedHistory.Recording history = run.history();
            int records = history.records().size();
            try (KafkaProducer<String, String> producer = kafka().newProducer()) {
                history.write(producer, 0, records * 2 / 5);
                JobClient job = startStreaming(settings);
                try {
                    run.awaitProfilesAndACheckpoint(job);
                    long outageStarted = System.nanoTime();
                    database.cutOff();
                    System.out.printf("outage: database cut off; %s%n", run.status(job));
                    // records keep coming: the sinks hold rows they cannot write
                    history.write(producer, records * 2 / 5, records * 7 / 10);
                    FaultRun.sleepUntil(outageStarted, OUTAGE);
                    System.out.printf("outage: database back; %s%n", run.status(job));
                    database.restore();
                    long completedBeforeRestore = run.completedCheckpoints(job);
                    history.write(producer, records * 7 / 10, records);
                    run.awaitCaughtUp(job);
                    run.assertHealthyAfter(job, completedBeforeRestore);
                    System.out.printf("outage: caught up; %s%n", run.status(job));
                } finally {
                    cancel(job);
                }
            }
        }
        run.assertSameTablesAsAnUninterruptedRun(freshSettings());
    }
}
