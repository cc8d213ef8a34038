package io.segflow.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the job needs to know about its surroundings: where Kafka and PostgreSQL are,
 * which topics to read, where the SQL lives. Defaults follow DESIGN.md. The SQL files see these
 * values through their {@code ${...}} placeholders ({@link #placeholders()}).
 */
public final class JobSettings {

    private String kafkaBootstrapServers = "localhost:9092";
    private String jdbcUrl = "jdbc:postgresql://localhost:5432/postgres";
    private String jdbcUser = "postgres";
    private String jdbcPassword = "";
    private String customersTopic = "crm.public.customers";
    private String identitiesTopic = "crm.public.customer_identities";
    private String webEventsTopic = "web.events";
    private String productEventsTopic = "product.events";
    private String deadLetterTopic = "segflow.dead_letter";
    private String segmentsTopic = "segflow.customer_segments";
    private String modelsTopic = "segflow.segment_models";
    private io.segflow.segments.TrainerSettings trainer = io.segflow.segments.TrainerSettings.defaults();
    private Long warmStartVersion;
    private String consumerGroup = "segflow";
    private String startupMode = "earliest-offset";
    private String boundedMode = "unbounded";
    private Duration dedupWindow = Duration.ofHours(1);
    private Duration jdbcFlushInterval = Duration.ZERO;
    private Duration checkpointInterval = Duration.ofSeconds(10);
    private Path sqlDirectory;
    private boolean createTopics = true;
    private int createdTopicPartitions = 1;
    private boolean backfill;
    private String stateDirectory;
    private Duration miniBatchLatency = Duration.ofMillis(500);
    private Map<String, String> flinkConfiguration = Map.of();
    private java.nio.file.Path resumeFrom;
    private Map<org.apache.kafka.common.TopicPartition, Long> boundedOffsets;
    private java.nio.file.Path archiveDirectory;

    public Map<String, String> placeholders() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kafka.bootstrap-servers", kafkaBootstrapServers);
        values.put("kafka.group-id", consumerGroup);
        // a backfill reads everything the topics hold at its start, whatever else is configured
        values.put("kafka.startup-mode", backfill ? "earliest-offset" : startupMode);
        values.put("kafka.bounded-mode", backfill ? "latest-offset" : boundedMode);
        values.put("topic.customers", customersTopic);
        values.put("topic.identities", identitiesTopic);
        values.put("topic.web-events", webEventsTopic);
        values.put("topic.product-events", productEventsTopic);
        values.put("topic.dead-letter", deadLetterTopic);
        values.put("topic.segments", segmentsTopic);
        values.put("topic.models", modelsTopic);
        values.put("jdbc.url", jdbcUrl);
        values.put("jdbc.user", jdbcUser);
        values.put("jdbc.password", jdbcPassword);
        Duration flush = effectiveFlushInterval();
        values.put("jdbc.flush-interval", flush.toMillis() + " ms");
        // at checkpoints only, or at the interval and whenever this many rows wait
        values.put("jdbc.flush-max-rows", flush.isZero() ? "0" : backfill ? "5000" : "1000");
        values.put("events.dedup-window", dedupWindow.toMillis() + " ms");
        return values;
    }

    /** Topics the job reads. */
    public java.util.List<String> inputTopics() {
        return java.util.List.of(customersTopic, identitiesTopic, webEventsTopic, productEventsTopic);
    }

    public String kafkaBootstrapServers() {
        return kafkaBootstrapServers;
    }

    public JobSettings kafkaBootstrapServers(String value) {
        this.kafkaBootstrapServers = value;
        return this;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public JobSettings jdbcUrl(String value) {
        this.jdbcUrl = value;
        return this;
    }

    public String jdbcUser() {
        return jdbcUser;
    }

    public JobSettings jdbcUser(String value) {
        this.jdbcUser = value;
        return this;
    }

    public String jdbcPassword() {
        return jdbcPassword;
    }

    public JobSettings jdbcPassword(String value) {
        this.jdbcPassword = value == null ? "" : value;
        return this;
    }

    public String customersTopic() {
        return customersTopic;
    }

    public JobSettings customersTopic(String value) {
        this.customersTopic = value;
        return this;
    }

    public String identitiesTopic() {
        return identitiesTopic;
    }

    public JobSettings identitiesTopic(String value) {
        this.identitiesTopic = value;
        return this;
    }

    public String webEventsTopic() {
        return webEventsTopic;
    }

    public JobSettings webEventsTopic(String value) {
        this.webEventsTopic = value;
        return this;
    }

    public String productEventsTopic() {
        return productEventsTopic;
    }

    public JobSettings productEventsTopic(String value) {
        this.productEventsTopic = value;
        return this;
    }

    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    public JobSettings deadLetterTopic(String value) {
        this.deadLetterTopic = value;
        return this;
    }

    public String modelsTopic() {
        return modelsTopic;
    }

    public JobSettings modelsTopic(String value) {
        this.modelsTopic = value;
        return this;
    }

    public String segmentsTopic() {
        return segmentsTopic;
    }

    public JobSettings segmentsTopic(String value) {
        this.segmentsTopic = value;
        return this;
    }

    public io.segflow.segments.TrainerSettings trainer() {
        return trainer;
    }

    public JobSettings trainer(io.segflow.segments.TrainerSettings value) {
        this.trainer = value;
        return this;
    }

    public Long warmStartVersion() {
        return warmStartVersion;
    }

    /** A segment_model version to start the trainer from; null initialises from the data. */
    public JobSettings warmStartVersion(Long value) {
        this.warmStartVersion = value;
        return this;
    }

    public String consumerGroup() {
        return consumerGroup;
    }

    public JobSettings consumerGroup(String value) {
        this.consumerGroup = value;
        return this;
    }

    public String startupMode() {
        return startupMode;
    }

    public JobSettings startupMode(String value) {
        this.startupMode = value;
        return this;
    }

    public String boundedMode() {
        return boundedMode;
    }

    /** 'unbounded' (streaming), or 'latest-offset' to stop at the offsets current at start. */
    public JobSettings boundedMode(String value) {
        this.boundedMode = value;
        return this;
    }

    public Duration dedupWindow() {
        return dedupWindow;
    }

    /** How long an event id is remembered for deduplication (state TTL of the dedup operators). */
    public JobSettings dedupWindow(Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("the deduplication window must be positive, was " + value);
        }
        this.dedupWindow = value;
        return this;
    }

    /**
     * When the database sinks write: at checkpoints only (zero) needs checkpoints; a run without
     * them, and a backfill (whose BATCH mode has none), write every second instead.
     */
    Duration effectiveFlushInterval() {
        if (jdbcFlushInterval.isZero() && (backfill || checkpointInterval.isZero())) {
            return Duration.ofSeconds(1);
        }
        return jdbcFlushInterval;
    }

    public Duration jdbcFlushInterval() {
        return jdbcFlushInterval;
    }

    public JobSettings jdbcFlushInterval(Duration value) {
        this.jdbcFlushInterval = value;
        return this;
    }

    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** Zero turns checkpointing off. */
    public JobSettings checkpointInterval(Duration value) {
        this.checkpointInterval = value;
        return this;
    }

    public Path sqlDirectory() {
        return sqlDirectory;
    }

    /** Null: ./sql when present, else the SQL bundled in the jar. */
    public JobSettings sqlDirectory(Path value) {
        this.sqlDirectory = value;
        return this;
    }

    public boolean createTopics() {
        return createTopics;
    }

    public JobSettings createTopics(boolean value) {
        this.createTopics = value;
        return this;
    }

    public int createdTopicPartitions() {
        return createdTopicPartitions;
    }

    public JobSettings createdTopicPartitions(int value) {
        this.createdTopicPartitions = value;
        return this;
    }

    /** An archive of the input records (see ArchiveSources) that a backfill reads instead of Kafka; null: Kafka. */
    public java.nio.file.Path archiveDirectory() {
        return archiveDirectory;
    }

    public JobSettings archiveDirectory(java.nio.file.Path value) {
        this.archiveDirectory = value;
        return this;
    }

    public Duration miniBatchLatency() {
        return miniBatchLatency;
    }

    /**
     * How long the SQL operators buffer input to fold each key's changes into one (Flink's
     * mini-batch); zero turns it off. It bounds the latency it adds to every profile update.
     */
    public JobSettings miniBatchLatency(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("the mini-batch latency must not be negative, was " + value);
        }
        this.miniBatchLatency = value;
        return this;
    }

    /** Flink options (execution or table) that win over segflow's own choices. */
    public Map<String, String> flinkConfiguration() {
        return flinkConfiguration;
    }

    public JobSettings flinkConfiguration(Map<String, String> value) {
        this.flinkConfiguration = value == null ? Map.of() : Map.copyOf(value);
        return this;
    }

    /** Where checkpoints go (a path or a URI); null: the cluster's, or ./segflow-state when local. */
    public String stateDirectory() {
        return stateDirectory;
    }

    public JobSettings stateDirectory(String value) {
        this.stateDirectory = value;
        return this;
    }

    /** A retained checkpoint (its chk-N directory) to start from; null starts from the topics. */
    public java.nio.file.Path resumeFrom() {
        return resumeFrom;
    }

    public JobSettings resumeFrom(java.nio.file.Path checkpoint) {
        this.resumeFrom = checkpoint;
        return this;
    }

    /** Where a bounded run stops, by partition; null: the bounded mode alone decides. */
    public Map<org.apache.kafka.common.TopicPartition, Long> boundedOffsets() {
        return boundedOffsets;
    }

    public JobSettings boundedOffsets(Map<org.apache.kafka.common.TopicPartition, Long> value) {
        this.boundedOffsets = value == null ? null : Map.copyOf(value);
        return this;
    }

    /** Every topic the job reads: the inputs and the models topic. */
    public java.util.List<String> topicsRead() {
        java.util.List<String> topics = new java.util.ArrayList<>(inputTopics());
        topics.add(modelsTopic);
        return topics;
    }

    public boolean backfill() {
        return backfill;
    }

    /**
     * A backfill: the same graph in Flink's BATCH runtime mode over the Kafka records from the
     * earliest offsets to the latest ones at start, without checkpoints.
     */
    public JobSettings backfill(boolean value) {
        this.backfill = value;
        return this;
    }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>(placeholders());
        shown.put("jdbc.password", jdbcPassword.isEmpty() ? "(none)" : "(set)");
        if (stateDirectory != null) {
            shown.put("state-dir", stateDirectory);
        }
        shown.put("mini-batch-latency", miniBatchLatency.toMillis() + " ms");
        flinkConfiguration.forEach((key, value) -> shown.put("flink:" + key, value));
        return shown.toString();
    }
}
