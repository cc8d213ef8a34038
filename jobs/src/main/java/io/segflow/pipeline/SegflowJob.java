package io.segflow.pipeline;

import io.segflow.infra.KafkaTopics;
import io.segflow.infra.PostgresSchema;
import io.segflow.model.SegmentModel;
import io.segflow.profile.FeatureSet;
import io.segflow.registry.ModelRegistry;
import io.segflow.registry.RegistryAddress;
import io.segflow.scores.LiveScoring;
import io.segflow.segments.SegmentationStage;
import io.segflow.sql.SqlScripts;
import io.segflow.udfs.MaskPersonalData;
import io.segflow.udfs.Pseudonym;
import io.segflow.udfs.Pseudonymiser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segflow job. Its sources and sinks are the SQL files' tables, addressed by {@link
 * JobSettings}; tests pass the addresses of their embedded Kafka and PostgreSQL and run exactly
 * this graph. The same class serves `segflow run` (local MiniCluster), `flink run` and the demo.
 */
public final class SegflowJob {

    public static final String JOB_NAME = "segflow streaming";
    public static final String BACKFILL_JOB_NAME = "segflow backfill";

    /**
     * How long a network buffer of the streaming job waits to fill before it leaves. At a live rate
     * buffers leave by this time, not full, at each of the five exchanges between the keyed stages
     * an event passes, so Flink's 100 ms made up half of a fresh row's wait; 50 ms took 0.3 s off
     * the p99 at 10,000 customers (docs/benchmarks.md). A catch-up fills its buffers sooner and
     * does not notice. A cluster's own {@code execution.buffer-timeout.interval} wins.
     */
    static final Duration LIVE_BUFFER_TIMEOUT = Duration.ofMillis(50);

    private static final Logger LOG = LoggerFactory.getLogger(SegflowJob.class);

    private final JobSettings settings;

    public SegflowJob(JobSettings settings) {
        this.settings = settings;
    }

    /** Builds the job graph onto the environment; nothing outside the JVM is touched. */
    public SegflowPipeline build(StreamExecutionEnvironment env) {
        if (settings.backfill()) {
            // Same graph, BATCH runtime: bounded sources, blocking shuffles, sorted keyed inputs,
            // final rows instead of a changelog, and no checkpoints (a failed backfill is rerun:
            // its writes are upserts by key).
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        } else {
            if (env.getConfiguration().getOptional(ExecutionOptions.BUFFER_TIMEOUT).isEmpty()) {
                env.setBufferTimeout(LIVE_BUFFER_TIMEOUT.toMillis());
            }
            if (!settings.checkpointInterval().isZero()) {
                env.enableCheckpointing(settings.checkpointInterval().toMillis());
                StateStorage.configure(env, settings, env instanceof LocalStreamEnvironment);
            }
        }
        // the SQL operators and segflow's own never keep a record they were handed: chained
        // operators may pass records on without copying them
        env.getConfig().enableObjectReuse();
        if (!settings.flinkConfiguration().isEmpty()) {
            env.configure(Configuration.fromMap(settings.flinkConfiguration()));
        }
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
        SqlTuning.apply(tableEnv.getConfig(), settings);
        // the user's own Flink options win over segflow's choices
        settings.flinkConfiguration().forEach(tableEnv.getConfig()::set);
        registerPseudonymFunctions(tableEnv, settings);
        SqlScripts scripts = SqlScripts.locate(settings.sqlDirectory());
        LOG.info("SQL from {}", scripts.origin());
        if (settings.archiveDirectory() != null && !settings.backfill()) {
            throw new IllegalArgumentException("an archive is read by a backfill only");
        }
        SegflowPipeline pipeline =
                SegflowPipeline.create(
                        tableEnv,
                        scripts,
                        settings.placeholders(scripts),
                        settings.archiveDirectory(),
                        settings.boundedOffsets(),
                        settings.kafkaProperties());
        SegmentModel warmStart =
                settings.warmStartVersion() == null
                        ? null
                        : ModelRegistry.load(
                                settings.jdbcUrl(),
                                settings.jdbcUser(),
                                settings.jdbcPassword(),
                                settings.warmStartVersion());
        SegmentationStage.Attached segmentation =
                SegmentationStage.attach(
                        pipeline.tableEnvironment(),
                        pipeline.features(),
                        pipeline.profile().getResolvedSchema(),
                        pipeline.attachProfileAndInserts(env),
                        settings.trainer(),
                        warmStart);
        LiveScoring.attach(
                pipeline.tableEnvironment(),
                pipeline.features().names(),
                segmentation.updates(),
                segmentation.modelMessages(),
                new RegistryAddress(
                        settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword()),
                segmentation.batch(),
                segmentation.outputs());
        if (!segmentation.batch()) {
            DeadLetterErasure.attach(segmentation.updates(), settings);
        }
        segmentation.outputs().attachAsDataStream();
        LOG.info("Model features: {}", pipeline.features().bySource());
        return pipeline;
    }

    /**
     * PSEUDONYM and MASK_PERSONAL_DATA, constructed with the key: registered before the SQL runs,
     * so that 00_functions.sql's declarations by class name (for the SQL client) do not apply, and
     * the key reaches the TaskManagers inside the serialized functions, never in SQL text, the
     * job's configuration or a plan.
     */
    static void registerPseudonymFunctions(StreamTableEnvironment tableEnv, JobSettings settings) {
        byte[] key = settings.pseudonymKey();
        if (key != null) {
            tableEnv.createTemporarySystemFunction(PSEUDONYM, Pseudonym.withKey(key));
            tableEnv.createTemporarySystemFunction(
                    MASK_PERSONAL_DATA, MaskPersonalData.withKey(key));
        } else if (settings.pseudonymisationOff()) {
            LOG.warn("External ids are NOT pseudonymised: state and outputs hold the raw ids");
            tableEnv.createTemporarySystemFunction(PSEUDONYM, Pseudonym.off());
            tableEnv.createTemporarySystemFunction(MASK_PERSONAL_DATA, MaskPersonalData.off());
        } else {
            throw new IllegalStateException(NO_KEY);
        }
    }

    /** Why a job without a pseudonym key does not start. */
    public static final String NO_KEY =
            "no pseudonym key: external ids are replaced by a keyed hash, and the key must come"
                    + " from "
                    + Pseudonymiser.KEY_ENV
                    + " or from the file "
                    + Pseudonymiser.KEY_FILE_ENV
                    + " names (at least "
                    + Pseudonymiser.MIN_KEY_BYTES
                    + " bytes, e.g. openssl rand -hex 32); keep it: the same key gives the same"
                    + " pseudonyms, another one means a backfill";

    private static final String PSEUDONYM = "PSEUDONYM";
    private static final String MASK_PERSONAL_DATA = "MASK_PERSONAL_DATA";

    public String jobName() {
        return settings.backfill() ? BACKFILL_JOB_NAME : JOB_NAME;
    }

    /** Creates the database tables and Kafka topics the job needs, where they are missing. */
    public void prepare(SegflowPipeline pipeline) {
        PostgresSchema.apply(
                settings.jdbcUrl(),
                settings.jdbcUser(),
                settings.jdbcPassword(),
                pipeline.schemaOf(SegflowPipeline.PROFILE_SINK));
        ensureTopics();
    }

    /**
     * Creates the Kafka topics the job reads (its SQL's input tables, {@link InputTopics}) and
     * writes where they are missing (unless told not to).
     */
    public void ensureTopics() {
        if (settings.createTopics()) {
            List<String> topics = new ArrayList<>(InputTopics.of(settings));
            topics.add(settings.deadLetterTopic());
            topics.add(settings.segmentsTopic());
            topics.add(settings.modelsTopic());
            KafkaTopics.ensure(
                    settings.kafkaConnection(), topics, settings.createdTopicPartitions());
        }
    }

    /** Builds, prepares and submits the job; returns once it is submitted. */
    public JobClient start(StreamExecutionEnvironment env) throws Exception {
        return start(env, features -> {});
    }

    /**
     * As {@link #start(StreamExecutionEnvironment)}, handing the SQL's features to {@code planned}
     * once the job is planned, before its tables and topics are created: a command compares them
     * with the published models there.
     */
    public JobClient start(StreamExecutionEnvironment env, Consumer<FeatureSet> planned)
            throws Exception {
        SegflowPipeline pipeline = build(env);
        planned.accept(pipeline.features());
        prepare(pipeline);
        return env.executeAsync(jobName());
    }
}
