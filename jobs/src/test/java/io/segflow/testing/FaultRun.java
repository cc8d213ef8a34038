package io.segflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.infra.FlinkRest;
import io.segflow.infra.TopicOffsets;
import io.segflow.pipeline.InputTopics;
import io.segflow.pipeline.JobSettings;
import io.segflow.segments.TrainerSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.common.TopicPartition;

/**
 * One streaming run of a recorded history with a fault in the middle (a database outage, a broker
 * restart), and what a platform engineer checks after it: the job running with its TaskManager and
 * slots, checkpoints completing again, every table equal to an uninterrupted run's.
 *
 * <p>Both runs score with one published model that neither learns from, and hysteresis 0: a model
 * that learns, or a segment with hysteresis, depends on the order in which the profile updates
 * arrive, which no two runs share; the profile itself does not.
 */
public final class FaultRun {

    public static final long MODEL_VERSION = 1_770_000_000_000L;
    public static final int CUSTOMERS = 800;

    /** How long a run may take to catch up after a fault: restarts back off up to a minute. */
    private static final Duration CATCH_UP = Duration.ofMinutes(5);

    private final JobSettings settings;
    private final FlinkRest rest;
    private final RecordedHistory.Recording history;

    private FaultRun(JobSettings settings, URI restAddress, RecordedHistory.Recording history) {
        this.settings = settings;
        this.rest = new FlinkRest(restAddress);
        this.history = history;
    }

    /**
     * Creates the topics of these settings, publishes the frozen model into their database and
     * records (without writing it) a history of {@link #CUSTOMERS} customers.
     */
    public static FaultRun prepare(JobSettings settings, URI restAddress) throws Exception {
        SegflowITCaseBase.createTopics(settings);
        publishModel(settings);
        return new FaultRun(
                settings, restAddress, RecordedHistory.record(settings, CUSTOMERS, 4, 17));
    }

    public RecordedHistory.Recording history() {
        return history;
    }

    /** The model settings of both runs: everything else stays at its default. */
    public static JobSettings frozenModel(JobSettings settings) {
        return settings.withWarmStartVersion(MODEL_VERSION)
                .withTrainer(TrainerSettings.defaults().withFrozen(true).withHysteresis(0));
    }

    public static void publishModel(JobSettings settings) throws Exception {
        PublishedModels.publishFourSegments(settings, MODEL_VERSION);
    }

    /** Waits until the job has written profiles and completed a checkpoint. */
    public void awaitProfilesAndACheckpoint(JobClient job) throws Exception {
        SegflowITCaseBase.awaitRows(
                settings,
                "SELECT count(*) AS n FROM customer_profile",
                rows -> (Long) rows.get(0).get("n") > 0);
        await(job, () -> completedCheckpoints(job) > 0, "a completed checkpoint");
    }

    /**
     * Waits until the job's consumer group has committed the end of every input partition: a
     * checkpoint has then completed after everything was read, and the JDBC sinks flushed
     * everything in it.
     */
    public void awaitCaughtUp(JobClient job) throws Exception {
        try (TopicOffsets offsets = new TopicOffsets(settings.kafkaBootstrapServers())) {
            Map<TopicPartition, Long> ends = offsets.latest(InputTopics.of(settings));
            await(
                    job,
                    () -> offsets.committedUpTo(settings.consumerGroup(), ends),
                    "the consumer group's offsets at the end of the input " + ends);
        }
    }

    /**
     * The job is RUNNING on a TaskManager that still has its slots, and has completed a checkpoint
     * since {@code completedBefore} were counted.
     */
    public void assertHealthyAfter(JobClient job, long completedBefore) throws Exception {
        await(
                job,
                () -> completedCheckpoints(job) > completedBefore,
                "a checkpoint completed after the fault");
        assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS))
                .as("the job's status; %s", status(job))
                .isEqualTo(JobStatus.RUNNING);
        JsonNode overview = rest.get("/overview").orElseThrow();
        assertThat(overview.path("taskmanagers").asInt())
                .as("TaskManagers alive; %s", status(job))
                .isEqualTo(1);
        assertThat(overview.path("slots-total").asInt()).as("slots; %s", status(job)).isEqualTo(2);
    }

    public long completedCheckpoints(JobClient job) {
        return new CheckpointStats(restAddress(), job.getJobID())
                .read()
                .map(CheckpointStats.Summary::completed)
                .orElse(0L);
    }

    /** The job's state, TaskManagers, checkpoints and restarts, for messages. */
    public String status(JobClient job) {
        String state;
        try {
            state = job.getJobStatus().get(10, TimeUnit.SECONDS).toString();
        } catch (Exception unknown) {
            state = "unknown (" + unknown + ")";
        }
        JsonNode overview = rest.get("/overview").orElse(null);
        String restarts =
                rest.get("/jobs/" + job.getJobID() + "/metrics?get=numRestarts")
                        .map(m -> m.path(0).path("value").asText("?"))
                        .orElse("?");
        String checkpoints =
                new CheckpointStats(restAddress(), job.getJobID())
                        .read()
                        .map(
                                s ->
                                        s.completed()
                                                + " completed, "
                                                + s.failed()
                                                + " failed (latest failure: "
                                                + s.failureMessage()
                                                + ")")
                        .orElse("?");
        return String.format(
                "job %s, %s TaskManager(s), %s slot(s), %s restart(s), checkpoints %s",
                state,
                overview == null ? "?" : overview.path("taskmanagers").asText(),
                overview == null ? "?" : overview.path("slots-total").asText(),
                restarts,
                checkpoints);
    }

    private URI restAddress() {
        return SegflowITCaseBase.restAddress();
    }

    /**
     * Runs the job once, bounded, over the same input into a fresh database of these settings, and
     * compares every table with this run's.
     */
    /**
     * @return the settings of the uninterrupted run, for comparing what else it wrote
     */
    public JobSettings assertSameTablesAsAnUninterruptedRun(JobSettings fresh) throws Exception {
        JobSettings uninterrupted =
                frozenModel(fresh)
                        .withKafkaBootstrapServers(settings.kafkaBootstrapServers())
                        .withCustomersTopic(settings.customersTopic())
                        .withIdentitiesTopic(settings.identitiesTopic())
                        .withWebEventsTopic(settings.webEventsTopic())
                        .withProductEventsTopic(settings.productEventsTopic());
        publishModel(uninterrupted);
        SegflowITCaseBase.runBounded(uninterrupted);
        assertSameTablesAs(uninterrupted);
        return uninterrupted;
    }

    /**
     * Every table of the faulty run equals the uninterrupted run's: profiles, dead letters, each
     * customer's segment and the model versions.
     */
    public void assertSameTablesAs(JobSettings uninterrupted) throws Exception {
        JobSettings faulty = settings;
        RecordedHistory.Counts input = history.counts();
        String profiles = "SELECT * FROM customer_profile ORDER BY customer_id";
        assertThat(SegflowITCaseBase.query(uninterrupted, profiles))
                .hasSize((int) (input.customers() - input.deletedCustomers()));
        String deadLetters =
                "SELECT id, source_topic, source_partition, source_offset, raw_payload, reason,"
                        + " received_at FROM dead_letter ORDER BY id";
        assertThat(SegflowITCaseBase.query(uninterrupted, deadLetters))
                .hasSize((int) input.malformed());
        // distance and confidence are left out: the assigner writes a row only when a customer's
        // segment or confidence class changes, so it keeps the distance of that moment
        String segments =
                "SELECT customer_id, segment_id, segment_name, model_version FROM customer_segment"
                        + " ORDER BY customer_id";
        String models = "SELECT model_version, k, features FROM segment_model ORDER BY 1";
        for (String rows : List.of(profiles, deadLetters, segments, models)) {
            assertThat(SegflowITCaseBase.query(faulty, rows))
                    .as(rows)
                    .isNotEmpty()
                    .containsExactlyElementsOf(SegflowITCaseBase.query(uninterrupted, rows));
        }
    }

    /** Sleeps until {@code duration} has passed since {@code startNanos}. */
    public static void sleepUntil(long startNanos, Duration duration) throws InterruptedException {
        long left = startNanos + duration.toNanos() - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private void await(JobClient job, Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        long nextReport = System.nanoTime();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + CATCH_UP + "; " + status(job));
            }
            if (System.nanoTime() > nextReport) {
                System.out.printf("waiting for %s: %s%n", what, status(job));
                nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            }
            Thread.sleep(500);
        }
    }
}
