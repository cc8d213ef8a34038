package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.cli.FailureWatch.FailedCheckpoint;
import io.segflow.cli.FailureWatch.Failure;
import io.segflow.cli.FailureWatch.Observation;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.SerializedThrowable;
import org.junit.jupiter.api.Test;

/** What run prints about its job's failures, and when it stops the job. */
class FailureWatchTest {

    private static final String REFUSED =
            "org.postgresql.util.PSQLException: Connection to localhost:5432 refused.";

    /** A stack trace as Flink's REST API returns it: wrapped twice, the database at the root. */
    private static final String STACK_TRACE =
            String.join(
                    "\n",
                    "java.io.IOException: unable to open JDBC writer",
                    "\tat org.apache.flink.connector.jdbc.JdbcOutputFormat.open(JdbcOutputFormat.java:1)",
                    "\tat org.apache.flink.runtime.taskmanager.Task.run(Task.java:2)",
                    "\tSuppressed: java.lang.NullPointerException: statement is null",
                    "\t\tat org.apache.flink.connector.jdbc.JdbcOutputFormat.close(X.java:3)",
                    "\tCaused by: java.lang.IllegalStateException: a suppressed one's cause",
                    "Caused by: java.sql.SQLException: no connection",
                    "\tat org.postgresql.Driver.connect(Driver.java:4)",
                    "Caused by: org.postgresql.util.PSQLException: Connection to localhost:5432"
                            + " refused.",
                    "\tat org.postgresql.core.v3.ConnectionFactoryImpl.open(X.java:5)",
                    "\t... 12 more");

    @Test
    void theRootCauseIsTheLastTopLevelCauseInOneLine() {
        assertThat(FailureWatch.rootCause(STACK_TRACE)).isEqualTo(REFUSED);
        assertThat(
                        FailureWatch.rootCause(
                                "java.lang.IllegalStateException: first line\n  second line\n"
                                        + "\tat a.B.c(B.java:1)"))
                .isEqualTo("java.lang.IllegalStateException: first line second line");
        assertThat(FailureWatch.rootCause("")).isEqualTo("(no stack trace)");
    }

    @Test
    void theRootCauseOfAThrowableIsItsInnermostCause() {
        Exception failure =
                new RuntimeException(
                        "job failed",
                        new SerializedThrowable(new SQLException("refused\nfor good")));
        assertThat(FailureWatch.rootCause(failure))
                .isEqualTo("java.sql.SQLException: refused for good");
    }

    @Test
    void eachFailureAndFailedCheckpointIsPrintedOnceInOneLine() {
        FailureWatch watch = new FailureWatch(10);
        List<Failure> failures = new ArrayList<>(List.of(new Failure(1_000, REFUSED)));
        List<String> first =
                watch.observe(
                        new Observation(
                                failures,
                                List.of(new FailedCheckpoint(4, "Checkpoint was declined\n(x)")),
                                3,
                                500));
        assertThat(first)
                .containsExactly(
                        "segflow: checkpoint 4 failed: Checkpoint was declined (x)",
                        "segflow: the job failed, Flink restarts it (1 of at most 10 restarts"
                                + " without a completed checkpoint): "
                                + REFUSED);
        // the same history again, one failure more: only that one is new
        failures.add(0, new Failure(3_000, "java.net.ConnectException: refused"));
        assertThat(
                        watch.observe(
                                new Observation(
                                        failures,
                                        List.of(new FailedCheckpoint(4, "declined")),
                                        3,
                                        500)))
                .containsExactly(
                        "segflow: the job failed, Flink restarts it (2 of at most 10 restarts"
                                + " without a completed checkpoint): java.net.ConnectException:"
                                + " refused");
        assertThat(watch.stopReason()).isEmpty();
    }

    @Test
    void moreFailuresInARowThanAllowedStopTheJobWithTheLastCause() {
        FailureWatch watch = new FailureWatch(2);
        List<Failure> failures = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            failures.add(new Failure(i * 1_000L, REFUSED));
            assertThat(watch.observe(new Observation(failures, List.of(), -1, Long.MIN_VALUE)))
                    .hasSize(1);
            assertThat(watch.stopReason()).isEmpty();
        }
        failures.add(
                new Failure(
                        3_000,
                        "org.apache.flink.runtime.jobmanager.scheduler"
                                + ".NoResourceAvailableException: Could not acquire the minimum"
                                + " required resources."));
        assertThat(watch.observe(new Observation(failures, List.of(), -1, Long.MIN_VALUE)))
                .isEmpty();
        assertThat(watch.stopReason())
                .contains(
                        "segflow: the job failed 3 times and completed no checkpoint"
                                + " (--max-restarts-without-checkpoint 2): stopping it. Cause:"
                                + " org.apache.flink.runtime.jobmanager.scheduler"
                                + ".NoResourceAvailableException: Could not acquire the minimum"
                                + " required resources.");
    }

    @Test
    void aCompletedCheckpointStartsTheCountAgain() {
        FailureWatch watch = new FailureWatch(2);
        List<Failure> failures =
                new ArrayList<>(List.of(new Failure(1_000, REFUSED), new Failure(2_000, REFUSED)));
        watch.observe(new Observation(failures, List.of(), 7, 500));
        assertThat(watch.failuresInARow()).isEqualTo(2);
        // the job came back: checkpoint 8 completed after both failures
        assertThat(watch.observe(new Observation(failures, List.of(), 8, 2_500)))
                .containsExactly(
                        "segflow: checkpoint 8 completed: the job runs again after 2 failures");
        assertThat(watch.failuresInARow()).isZero();
        failures.add(new Failure(3_000, REFUSED));
        failures.add(new Failure(4_000, REFUSED));
        watch.observe(new Observation(failures, List.of(), 8, 2_500));
        assertThat(watch.stopReason()).isEmpty();
        failures.add(new Failure(5_000, REFUSED));
        watch.observe(new Observation(failures, List.of(), 8, 2_500));
        assertThat(watch.stopReason())
                .hasValueSatisfying(
                        reason ->
                                assertThat(reason)
                                        .startsWith(
                                                "segflow: the job failed 3 times since checkpoint"
                                                        + " 8 completed"));
    }

    @Test
    void zeroStopsAtTheFirstFailure() {
        FailureWatch watch = new FailureWatch(0);
        assertThat(
                        watch.observe(
                                new Observation(
                                        List.of(new Failure(1, REFUSED)),
                                        List.of(),
                                        -1,
                                        Long.MIN_VALUE)))
                .isEmpty();
        assertThat(watch.stopReason()).isPresent();
    }

    @Test
    void aHealthyJobPrintsNothing() {
        FailureWatch watch = new FailureWatch(10);
        for (int checkpoint = 1; checkpoint < 5; checkpoint++) {
            assertThat(
                            watch.observe(
                                    new Observation(
                                            List.of(), List.of(), checkpoint, checkpoint * 10_000)))
                    .isEmpty();
        }
        assertThat(watch.stopReason()).isEmpty();
    }

    /** The REST API's JSON, as Flink 2.2 answers /jobs/:id/exceptions and /checkpoints. */
    @Test
    void observationsAreReadFromTheRestApi() throws Exception {
        ObjectMapper json = new ObjectMapper();
        var exceptions =
                json.readTree(
                        "{\"exceptionHistory\":{\"entries\":[{\"exceptionName\":"
                                + "\"java.io.IOException\",\"stacktrace\":"
                                + json.writeValueAsString(STACK_TRACE)
                                + ",\"timestamp\":1700000002000,\"taskName\":\"Sink\","
                                + "\"failureLabels\":{},\"concurrentExceptions\":[]}],"
                                + "\"truncated\":false}}");
        var checkpoints =
                json.readTree(
                        "{\"counts\":{\"completed\":3,\"failed\":1},\"latest\":{\"completed\":"
                                + "{\"id\":3,\"status\":\"COMPLETED\",\"latest_ack_timestamp\":"
                                + "1700000001000},\"failed\":null},\"history\":["
                                + "{\"id\":4,\"status\":\"FAILED\",\"failure_message\":"
                                + "\"Checkpoint was declined (task failed)\"},"
                                + "{\"id\":3,\"status\":\"COMPLETED\"}]}");
        Observation observed = JobWatch.observation(exceptions, checkpoints);
        assertThat(observed.failures()).containsExactly(new Failure(1700000002000L, REFUSED));
        assertThat(observed.failedCheckpoints())
                .containsExactly(new FailedCheckpoint(4, "Checkpoint was declined (task failed)"));
        assertThat(observed.lastCompletedCheckpoint()).isEqualTo(3);
        assertThat(observed.lastCompletedAt()).isEqualTo(1700000001000L);

        Observation empty =
                JobWatch.observation(
                        json.readTree("{\"exceptionHistory\":{\"entries\":[]}}"),
                        json.readTree("{\"latest\":{\"completed\":null},\"history\":[]}"));
        assertThat(empty.lastCompletedCheckpoint()).isEqualTo(-1);
        assertThat(empty.failures()).isEmpty();
    }
}
