package io.segflow.cli;

import io.segflow.pipeline.JobSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every command that runs the job shares: SQL, topics, checkpoints. */
final class JobOptions {

    // read before parsing by ConfigurationSources; declared here so that it is documented and accepted
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with option values (key = long option name, e.g. batch-size=1024). Also SEGFLOW_CONFIG.")
    Path configFile;

    @Option(
            names = "--sql-dir",
            paramLabel = "DIR",
            description = "Directory of the SQL files (default: ./sql when present, else the copy in the jar).")
    Path sqlDirectory;

    @Option(names = "--topic-customers", defaultValue = "crm.public.customers", description = "CRM customers change events (Debezium JSON). Default: ${DEFAULT-VALUE}.")
    String customersTopic;

    @Option(names = "--topic-identities", defaultValue = "crm.public.customer_identities", description = "CRM identity map change events (Debezium JSON). Default: ${DEFAULT-VALUE}.")
    String identitiesTopic;

    @Option(names = "--topic-web-events", defaultValue = "web.events", description = "Web analytics events (JSON). Default: ${DEFAULT-VALUE}.")
    String webEventsTopic;

    @Option(names = "--topic-product-events", defaultValue = "product.events", description = "Product analytics events (JSON). Default: ${DEFAULT-VALUE}.")
    String productEventsTopic;

    @Option(names = "--topic-dead-letter", defaultValue = "segflow.dead_letter", description = "Where rejected input records go. Default: ${DEFAULT-VALUE}.")
    String deadLetterTopic;

    @Option(names = "--group-id", defaultValue = "segflow", description = "Kafka consumer group. Default: ${DEFAULT-VALUE}.")
    String groupId;

    @Option(names = "--startup-mode", defaultValue = "earliest-offset", description = "Where to start reading without a checkpoint: earliest-offset, latest-offset, group-offsets. Default: ${DEFAULT-VALUE}.")
    String startupMode;

    @Option(names = "--checkpoint-interval", defaultValue = "10s", description = "Checkpoint interval; 0s turns checkpoints off. Default: ${DEFAULT-VALUE}.")
    Duration checkpointInterval;

    @Option(names = "--dedup-window", defaultValue = "1h", description = "How long an analytics event id is remembered, so that a copy of the event is not counted twice; a copy arriving later counts again (a backfill repairs that). Default: ${DEFAULT-VALUE}.")
    Duration dedupWindow;

    @Option(names = "--jdbc-flush-interval", defaultValue = "0s", description = "How often the database sinks write what they buffered; 0s writes at checkpoints only, so that the database always holds a state the job resumes from (a shorter delay between an event and its row needs a shorter --checkpoint-interval, or this; with it, a crash may leave rows of customers created and deleted since the last checkpoint). Default: ${DEFAULT-VALUE}.")
    Duration jdbcFlushInterval;

    @Option(names = "--mini-batch-latency", defaultValue = "500ms", description = "How long the SQL operators buffer changes to fold each customer's into one (Flink mini-batch); 0s turns it off. Adds at most this much latency. Default: ${DEFAULT-VALUE}.")
    Duration miniBatchLatency;

    @Option(names = "--flink-conf", paramLabel = "KEY=VALUE", description = "A Flink option for the job (e.g. table.exec.mini-batch.size=10000); wins over segflow's choices. Repeatable.")
    java.util.Map<String, String> flinkConfiguration;

    @Option(names = "--no-create-topics", negatable = false, description = "Do not create missing topics; fail instead.")
    boolean noCreateTopics;

    @Option(names = "--topic-segments", defaultValue = "segflow.customer_segments", description = "Segment assignments for activation (upsert, keyed by customer_id). Default: ${DEFAULT-VALUE}.")
    String segmentsTopic;

    @Option(names = "--topic-models", defaultValue = "segflow.segment_models", description = "Model versions published by retrain, which the running job picks up. Default: ${DEFAULT-VALUE}.")
    String modelsTopic;

    @Option(names = "--k", defaultValue = "6", description = "Number of segments. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--batch-size", defaultValue = "512", description = "Customers per mini-batch; a batch is drawn after this many profile updates. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--batch-max-wait", defaultValue = "5s", description = "Longest wait for a mini-batch while updates arrive. Default: ${DEFAULT-VALUE}.")
    Duration batchMaxWait;

    @Option(names = "--decay", defaultValue = "1.0", description = "Factor (0, 1] applied to every centre's weight at every batch; 1 is none. Default: ${DEFAULT-VALUE}.")
    double decay;

    @Option(names = "--half-life", defaultValue = "100000", paramLabel = "POINTS", description = "Points after which past data weighs half, so the model follows drift; 0 is none. Default: ${DEFAULT-VALUE}.")
    long halfLife;

    @Option(names = "--reseed-ratio", defaultValue = "0.01", description = "A centre whose weight falls below this share of the largest is re-seeded. Default: ${DEFAULT-VALUE}.")
    double reseedRatio;

    @Option(names = "--init-size", defaultValue = "500", description = "Customers sampled before k-means++ initialises the model. Default: ${DEFAULT-VALUE}.")
    int initSize;

    @Option(names = "--sample-size", defaultValue = "50000", description = "Customers kept in the trainer's uniform sample. Default: ${DEFAULT-VALUE}.")
    int sampleSize;

    @Option(names = "--emit-every", defaultValue = "10", paramLabel = "BATCHES", description = "Publish a model version every this many batches (each version re-scores every customer). Default: ${DEFAULT-VALUE}.")
    int emitEvery;

    @Option(names = "--hysteresis", defaultValue = "0.1", description = "How much nearer (share of the distance) a new segment must be before a customer moves. Default: ${DEFAULT-VALUE}.")
    double hysteresis;

    @Option(names = "--warm-start-version", paramLabel = "VERSION", description = "Start the trainer from this segment_model version instead of k-means++ on the first customers (when there is no checkpoint).")
    Long warmStartVersion;

    @Option(names = "--freeze-model", description = "Score every customer with --warm-start-version and never learn (e.g. to compare runs under one model).")
    boolean freezeModel;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed of the trainer. Default: ${DEFAULT-VALUE}.")
    long seed;

    /** Refuses options that do not go together; call where the command line is at hand. */
    void validate(picocli.CommandLine commandLine) {
        if (freezeModel && warmStartVersion == null) {
            throw new picocli.CommandLine.ParameterException(commandLine, "--freeze-model needs the model to freeze: --warm-start-version VERSION");
        }
    }

    JobSettings applyTo(JobSettings settings) {
        return settings.sqlDirectory(sqlDirectory)
                .customersTopic(customersTopic)
                .identitiesTopic(identitiesTopic)
                .webEventsTopic(webEventsTopic)
                .productEventsTopic(productEventsTopic)
                .deadLetterTopic(deadLetterTopic)
                .consumerGroup(groupId)
                .startupMode(startupMode)
                .checkpointInterval(checkpointInterval)
                .dedupWindow(dedupWindow)
                .miniBatchLatency(miniBatchLatency)
                .jdbcFlushInterval(jdbcFlushInterval)
                .flinkConfiguration(flinkConfiguration)
                .createTopics(!noCreateTopics)
                .segmentsTopic(segmentsTopic)
                .modelsTopic(modelsTopic)
                .warmStartVersion(warmStartVersion)
                .trainer(new io.segflow.segments.TrainerSettings(
                        k, batchSize, batchMaxWait, decay, halfLife, reseedRatio, initSize, sampleSize, emitEvery, hysteresis, seed)
                        .withFrozen(freezeModel));
    }
}
