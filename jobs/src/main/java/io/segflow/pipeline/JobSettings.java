package io.segflow.pipeline;

import io.segflow.infra.JdbcUrls;
import io.segflow.infra.KafkaConnection;
import io.segflow.segments.TrainerSettings;
import io.segflow.sql.SqlScriptException;
import io.segflow.sql.SqlScripts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.kafka.common.TopicPartition;

/**
 * Everything the job needs to know about its surroundings: where Kafka and PostgreSQL are, which
 * topics to read, where the SQL lives. Defaults follow DESIGN.md. The SQL files see these values
 * through their {@code ${...}} placeholders ({@link #placeholders()}).
 */
public final class JobSettings implements Cloneable {

    private String kafkaBootstrapServers = "localhost:9092";
    private Map<String, String> kafkaProperties = Map.of();
    private String jdbcUrl = "jdbc:postgresql://localhost:5432/postgres";
    private String jdbcUser = "postgres";
    private String jdbcPassword = "";
    // topics by name (topicKey), only those set: the others have their built-in default
    private Map<String, String> topics = Map.of();
    private TrainerSettings trainer = TrainerSettings.defaults();
    private Long warmStartVersion;
    private String consumerGroup = "segflow";
    private String startupMode = "earliest-offset";
    private String boundedMode = "unbounded";
    private Duration dedupWindow = Duration.ofHours(1);

    /**
     * How often the database sinks write by default. 200 ms gave the freshest rows at no cost in
     * throughput: p99 1.37 s against 2.43 s with 1 s at 10,000 customers and 1,000 events/s, and
     * the 100,000-customer catch-up as fast (docs/benchmarks.md). Writes no longer hold the chain
     * (a writer thread makes them), and at full speed a sink writes when its rows reach
     * buffer-flush.max-rows before the interval is up.
     */
    static final Duration DEFAULT_JDBC_FLUSH_INTERVAL = Duration.ofMillis(200);

    private Duration jdbcFlushInterval = DEFAULT_JDBC_FLUSH_INTERVAL;
    private Duration checkpointInterval = Duration.ofSeconds(10);
    private Path sqlDirectory;
    private boolean createTopics = true;
    private int createdTopicPartitions = 1;
    private boolean backfill;
    private String stateDirectory;
    // a quarter of a second: the freshness of a row at 10,000 customers stays within a second
    // (p99 0.85 s against 1.06 s with 500 ms), for about 6 % of the catch-up (docs/benchmarks.md)
    private Duration miniBatchLatency = Duration.ofMillis(250);
    private Map<String, String> flinkConfiguration = Map.of();
    private Path resumeFrom;
    private Map<TopicPartition, Long> boundedOffsets;
    private Path archiveDirectory;
    private byte[] pseudonymKey;
    private boolean pseudonymisationOff;
    private int maxRestartsWithoutCheckpoint = 10;
    // input guards (20_staging.sql)
    private long maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private Instant earliestEventTime = Instant.EPOCH;
    private Duration maxTimeAhead = Duration.ofDays(1);
    private List<String> blockedIds = DEFAULT_BLOCKED_IDS;
    private int maxIdsPerSystem = DEFAULT_MAX_IDS_PER_SYSTEM;

    /**
     * External ids of one system one customer may hold (40_entities.sql). Generous for cookies that
     * browsers renew and devices that change over years; a customer beyond it is a shared device, a
     * test account or an integration that links everyone to one person.
     */
    public static final int DEFAULT_MAX_IDS_PER_SYSTEM = 50;

    /** Kafka's default largest message (the broker's message.max.bytes is 1 MiB and a bit). */
    public static final long DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576L;

    /**
     * External ids many unrelated people share: a link or an event with one would fuse them into
     * one customer. Blank ids are always refused; {@code /0[0-]*}{@code /} is every id made of
     * zeros (and dashes: the nil UUID).
     */
    public static final List<String> DEFAULT_BLOCKED_IDS =
            List.of("null", "undefined", "anonymous", "/0[0-]*/");

    /**
     * The topic names with a default of their own: the four sources of the shipped SQL and the
     * job's outputs. Any other {@code ${topic.NAME}} of the SQL defaults to NAME itself.
     */
    public static final Map<String, String> DEFAULT_TOPICS =
            orderedMap(
                    "customers", "crm.public.customers",
                    "identities", "crm.public.customer_identities",
                    "web-events", "web.events",
                    "product-events", "product.events",
                    "dead-letter", "segflow.dead_letter",
                    "segments", "segflow.customer_segments",
                    "models", "segflow.segment_models");

    /** The SQL's placeholders of topics: {@code ${topic.NAME}}. */
    public static final String TOPIC_PLACEHOLDER_PREFIX = "topic.";

    private JobSettings() {}

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    /** The defaults: every option of every command starts from these (see cli/JobOptions). */
    public static JobSettings defaults() {
        return new JobSettings();
    }

    /** Settings never change: each {@code with} method returns a changed copy. */
    private JobSettings copy() {
        try {
            return (JobSettings) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    public Map<String, String> placeholders() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kafka.bootstrap-servers", kafkaBootstrapServers);
        values.put("kafka.group-id", consumerGroup);
        // a backfill reads everything the topics hold at its start, whatever else is configured
        values.put("kafka.startup-mode", backfill ? "earliest-offset" : startupMode);
        values.put("kafka.bounded-mode", backfill ? "latest-offset" : boundedMode);
        // Kafka transactions commit when a checkpoint completes (or a backfill ends): without
        // checkpoints a transactional sink would never show what it wrote
        values.put(
                "kafka.delivery-guarantee",
                backfill || !checkpointInterval.isZero() ? "exactly-once" : "at-least-once");
        // one job's transactions apart from any other job's: each has its own consumer group (a
        // backfill's is the stream's with -backfill)
        values.put("kafka.transactional-id-prefix", consumerGroup);
        DEFAULT_TOPICS
                .keySet()
                .forEach(name -> values.put(TOPIC_PLACEHOLDER_PREFIX + name, topic(name)));
        topics.forEach((key, topic) -> values.putIfAbsent(TOPIC_PLACEHOLDER_PREFIX + key, topic));
        values.put("jdbc.url", JdbcUrls.forSinks(jdbcUrl));
        values.put("jdbc.user", jdbcUser);
        values.put("jdbc.password", jdbcPassword);
        Duration flush = effectiveFlushInterval();
        values.put("jdbc.flush-interval", flush.toMillis() + " ms");
        // at checkpoints only, or at the interval and whenever this many rows wait
        values.put("jdbc.flush-max-rows", flush.isZero() ? "0" : backfill ? "5000" : "1000");
        values.put("events.dedup-window", dedupWindow.toMillis() + " ms");
        values.put("input.max-payload-bytes", Long.toString(maxPayloadBytes));
        values.put("events.earliest-time", earliestEventTime.toString());
        values.put("input.max-time-ahead", maxTimeAhead.toString());
        values.put("identity.blocked-ids", String.join(",", blockedIds));
        values.put("identity.max-ids-per-system", Integer.toString(maxIdsPerSystem));
        return values;
    }

    /**
     * The placeholders for these SQL files: {@link #placeholders()} and every {@code ${topic.NAME}}
     * they use, whatever the name (see {@link #topic(String)}).
     *
     * @throws SqlScriptException when a topic is set for a name no placeholder uses: a typo in a
     *     setting would otherwise leave the SQL reading the default topic without a word
     */
    public Map<String, String> placeholders(SqlScripts scripts) {
        Map<String, String> values = placeholders();
        Set<String> used = new TreeSet<>();
        for (String name : scripts.placeholderNames()) {
            if (name.startsWith(TOPIC_PLACEHOLDER_PREFIX)) {
                String topicName = name.substring(TOPIC_PLACEHOLDER_PREFIX.length());
                values.put(name, topic(topicName));
                used.add(topicKey(topicName));
            }
        }
        List<String> unused = new ArrayList<>();
        for (String key : topics.keySet()) {
            if (!DEFAULT_TOPICS.containsKey(key) && !used.contains(key)) {
                unused.add(key);
            }
        }
        if (!unused.isEmpty()) {
            throw new SqlScriptException(
                    "a topic is set for "
                            + unused
                            + " but no SQL file in "
                            + scripts.origin()
                            + " has a placeholder ${topic.NAME} of that name (a typo in the"
                            + " setting or in the SQL?); the SQL's topics: "
                            + used);
        }
        return values;
    }

    /**
     * The topic of {@code ${topic.NAME}}: the one set for the name (a flag, {@code topic.NAME=...}
     * in the configuration file, {@code SEGFLOW_TOPIC_NAME}), else the built-in default of the
     * shipped names ({@link #DEFAULT_TOPICS}), else the name itself. Names are compared as {@link
     * #topicKey} does: case, dots, dashes and underscores aside.
     */
    public String topic(String name) {
        String key = topicKey(name);
        String set = topics.get(key);
        if (set != null) {
            return set;
        }
        return DEFAULT_TOPICS.getOrDefault(key, name);
    }

    /** The topics set explicitly, by {@link #topicKey}; the others have their default. */
    public Map<String, String> topics() {
        return topics;
    }

    /**
     * How topic names compare: lower case, and any run of dots, dashes and underscores as one dash.
     * The environment cannot tell them apart ({@code SEGFLOW_TOPIC_EMAIL_EVENTS} is the setting of
     * {@code ${topic.email-events}}), so the names do not either.
     */
    public static String topicKey(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replaceAll("[._-]+", "-");
    }

    /** Sets the topic of {@code ${topic.NAME}}; null or blank returns to its default. */
    public JobSettings withTopic(String name, String topic) {
        Map<String, String> changed = new TreeMap<>(topics);
        if (topic == null || topic.isBlank()) {
            changed.remove(topicKey(name));
        } else {
            changed.put(topicKey(name), topic.strip());
        }
        JobSettings copy = copy();
        copy.topics = Collections.unmodifiableMap(changed);
        return copy;
    }

    /** Sets several topics at once (see {@link #withTopic}). */
    public JobSettings withTopics(Map<String, String> value) {
        JobSettings settings = this;
        for (Map.Entry<String, String> entry : value.entrySet()) {
            settings = settings.withTopic(entry.getKey(), entry.getValue());
        }
        return settings;
    }

    public String kafkaBootstrapServers() {
        return kafkaBootstrapServers;
    }

    public JobSettings withKafkaBootstrapServers(String value) {
        JobSettings copy = copy();
        copy.kafkaBootstrapServers = value;
        return copy;
    }

    /**
     * Kafka client properties (SASL, TLS, any client setting) for every Kafka client of the job:
     * its SQL tables, admin clients and offset readers. They are not placeholders: secrets among
     * them never reach the SQL text.
     */
    public Map<String, String> kafkaProperties() {
        return kafkaProperties;
    }

    public JobSettings withKafkaProperties(Map<String, String> value) {
        JobSettings copy = copy();
        copy.kafkaProperties = value == null ? Map.of() : Map.copyOf(value);
        return copy;
    }

    /** How segflow's own Kafka clients reach the cluster. */
    public KafkaConnection kafkaConnection() {
        return new KafkaConnection(kafkaBootstrapServers, kafkaProperties);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public JobSettings withJdbcUrl(String value) {
        JobSettings copy = copy();
        copy.jdbcUrl = value;
        return copy;
    }

    public String jdbcUser() {
        return jdbcUser;
    }

    public JobSettings withJdbcUser(String value) {
        JobSettings copy = copy();
        copy.jdbcUser = value;
        return copy;
    }

    public String jdbcPassword() {
        return jdbcPassword;
    }

    public JobSettings withJdbcPassword(String value) {
        JobSettings copy = copy();
        copy.jdbcPassword = value == null ? "" : value;
        return copy;
    }

    public String customersTopic() {
        return topic("customers");
    }

    public JobSettings withCustomersTopic(String value) {
        return withTopic("customers", value);
    }

    public String identitiesTopic() {
        return topic("identities");
    }

    public JobSettings withIdentitiesTopic(String value) {
        return withTopic("identities", value);
    }

    public String webEventsTopic() {
        return topic("web-events");
    }

    public JobSettings withWebEventsTopic(String value) {
        return withTopic("web-events", value);
    }

    public String productEventsTopic() {
        return topic("product-events");
    }

    public JobSettings withProductEventsTopic(String value) {
        return withTopic("product-events", value);
    }

    public String deadLetterTopic() {
        return topic("dead-letter");
    }

    public JobSettings withDeadLetterTopic(String value) {
        return withTopic("dead-letter", value);
    }

    public String modelsTopic() {
        return topic("models");
    }

    public JobSettings withModelsTopic(String value) {
        return withTopic("models", value);
    }

    public String segmentsTopic() {
        return topic("segments");
    }

    public JobSettings withSegmentsTopic(String value) {
        return withTopic("segments", value);
    }

    public TrainerSettings trainer() {
        return trainer;
    }

    public JobSettings withTrainer(TrainerSettings value) {
        JobSettings copy = copy();
        copy.trainer = value;
        return copy;
    }

    public Long warmStartVersion() {
        return warmStartVersion;
    }

    /** A segment_model version to start the trainer from; null initialises from the data. */
    public JobSettings withWarmStartVersion(Long value) {
        JobSettings copy = copy();
        copy.warmStartVersion = value;
        return copy;
    }

    public String consumerGroup() {
        return consumerGroup;
    }

    public JobSettings withConsumerGroup(String value) {
        JobSettings copy = copy();
        copy.consumerGroup = value;
        return copy;
    }

    public String startupMode() {
        return startupMode;
    }

    public JobSettings withStartupMode(String value) {
        JobSettings copy = copy();
        copy.startupMode = value;
        return copy;
    }

    public String boundedMode() {
        return boundedMode;
    }

    /** 'unbounded' (streaming), or 'latest-offset' to stop at the offsets current at start. */
    public JobSettings withBoundedMode(String value) {
        JobSettings copy = copy();
        copy.boundedMode = value;
        return copy;
    }

    public Duration dedupWindow() {
        return dedupWindow;
    }

    /** How long an event id is remembered for deduplication (state TTL of the dedup operators). */
    public JobSettings withDedupWindow(Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(
                    "the deduplication window must be positive, was " + value);
        }
        JobSettings copy = copy();
        copy.dedupWindow = value;
        return copy;
    }

    /**
     * When the database sinks write: every 200 ms by default (and at every checkpoint); zero is at
     * checkpoints only, which needs checkpoints: a run without them, and a backfill (whose BATCH
     * mode has none), write at the default interval instead.
     */
    Duration effectiveFlushInterval() {
        if (jdbcFlushInterval.isZero() && (backfill || checkpointInterval.isZero())) {
            return DEFAULT_JDBC_FLUSH_INTERVAL;
        }
        return jdbcFlushInterval;
    }

    public Duration jdbcFlushInterval() {
        return jdbcFlushInterval;
    }

    public JobSettings withJdbcFlushInterval(Duration value) {
        JobSettings copy = copy();
        copy.jdbcFlushInterval = value;
        return copy;
    }

    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** Zero turns checkpointing off. */
    public JobSettings withCheckpointInterval(Duration value) {
        JobSettings copy = copy();
        copy.checkpointInterval = value;
        return copy;
    }

    public Path sqlDirectory() {
        return sqlDirectory;
    }

    /** Null: ./sql when present, else the SQL bundled in the jar. */
    public JobSettings withSqlDirectory(Path value) {
        JobSettings copy = copy();
        copy.sqlDirectory = value;
        return copy;
    }

    public boolean createTopics() {
        return createTopics;
    }

    public JobSettings withCreateTopics(boolean value) {
        JobSettings copy = copy();
        copy.createTopics = value;
        return copy;
    }

    public int createdTopicPartitions() {
        return createdTopicPartitions;
    }

    public JobSettings withCreatedTopicPartitions(int value) {
        JobSettings copy = copy();
        copy.createdTopicPartitions = value;
        return copy;
    }

    /**
     * An archive of the input records (see ArchiveSources) that a backfill reads instead of Kafka;
     * null: Kafka.
     */
    public Path archiveDirectory() {
        return archiveDirectory;
    }

    public JobSettings withArchiveDirectory(Path value) {
        JobSettings copy = copy();
        copy.archiveDirectory = value;
        return copy;
    }

    public Duration miniBatchLatency() {
        return miniBatchLatency;
    }

    /**
     * How long the SQL operators buffer input to fold each key's changes into one (Flink's
     * mini-batch); zero turns it off. It bounds the latency it adds to every profile update.
     */
    public JobSettings withMiniBatchLatency(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(
                    "the mini-batch latency must not be negative, was " + value);
        }
        JobSettings copy = copy();
        copy.miniBatchLatency = value;
        return copy;
    }

    /** Flink options (execution or table) that win over segflow's own choices. */
    public Map<String, String> flinkConfiguration() {
        return flinkConfiguration;
    }

    public JobSettings withFlinkConfiguration(Map<String, String> value) {
        JobSettings copy = copy();
        copy.flinkConfiguration = value == null ? Map.of() : Map.copyOf(value);
        return copy;
    }

    /**
     * Where checkpoints go (a path or a URI); null: the cluster's, or ./segflow-state when local.
     */
    public String stateDirectory() {
        return stateDirectory;
    }

    public JobSettings withStateDirectory(String value) {
        JobSettings copy = copy();
        copy.stateDirectory = value;
        return copy;
    }

    /** A retained checkpoint (its chk-N directory) to start from; null starts from the topics. */
    public Path resumeFrom() {
        return resumeFrom;
    }

    public JobSettings withResumeFrom(Path checkpoint) {
        JobSettings copy = copy();
        copy.resumeFrom = checkpoint;
        return copy;
    }

    /** Where a bounded run stops, by partition; null: the bounded mode alone decides. */
    public Map<TopicPartition, Long> boundedOffsets() {
        return boundedOffsets;
    }

    public JobSettings withBoundedOffsets(Map<TopicPartition, Long> value) {
        JobSettings copy = copy();
        copy.boundedOffsets = value == null ? null : Map.copyOf(value);
        return copy;
    }

    /**
     * How many times in a row {@code run} lets Flink restart the job without a checkpoint
     * completing in between before it cancels the job and exits. Ten restarts with the restart
     * backoff of {@link StateStorage} (1 s, growing 1.5 times each, at most 1 min) ride out a
     * database or broker outage of about two minutes; a job that cannot run at all (no task slots,
     * a database gone for good) stops instead of looping. Zero stops at the first failure.
     */
    public int maxRestartsWithoutCheckpoint() {
        return maxRestartsWithoutCheckpoint;
    }

    public JobSettings withMaxRestartsWithoutCheckpoint(int value) {
        if (value < 0) {
            throw new IllegalArgumentException(
                    "the restarts without a checkpoint must not be negative, was " + value);
        }
        JobSettings copy = copy();
        copy.maxRestartsWithoutCheckpoint = value;
        return copy;
    }

    public boolean backfill() {
        return backfill;
    }

    /**
     * A backfill: the same graph in Flink's BATCH runtime mode over the Kafka records from the
     * earliest offsets to the latest ones at start, without checkpoints.
     */
    public JobSettings withBackfill(boolean value) {
        JobSettings copy = copy();
        copy.backfill = value;
        return copy;
    }

    /**
     * The secret key of the external ids' pseudonyms (see udfs Pseudonymiser); null when none was
     * given. Never printed: it reaches the job's functions inside their serialized instances only.
     */
    public byte[] pseudonymKey() {
        return pseudonymKey == null ? null : pseudonymKey.clone();
    }

    public JobSettings withPseudonymKey(byte[] key) {
        JobSettings copy = copy();
        copy.pseudonymKey = key == null ? null : key.clone();
        return copy;
    }

    /** Whether external ids pass unchanged: a demo or a test that says so, never a default. */
    public boolean pseudonymisationOff() {
        return pseudonymisationOff;
    }

    public JobSettings withPseudonymisationOff(boolean value) {
        JobSettings copy = copy();
        copy.pseudonymisationOff = value;
        return copy;
    }

    public long maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** The largest input payload, in bytes; a larger record is a dead letter (too_large). */
    public JobSettings withMaxPayloadBytes(long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(
                    "the payload size limit must be positive, was " + value);
        }
        JobSettings copy = copy();
        copy.maxPayloadBytes = value;
        return copy;
    }

    public Instant earliestEventTime() {
        return earliestEventTime;
    }

    /** Analytics events before this time are dead letters (time_out_of_range). */
    public JobSettings withEarliestEventTime(Instant value) {
        JobSettings copy = copy();
        copy.earliestEventTime = value;
        return copy;
    }

    public Duration maxTimeAhead() {
        return maxTimeAhead;
    }

    /**
     * How far an event time (or a CRM row's created_at and updated_at) may lie after the time its
     * record reached Kafka; further is a dead letter (time_out_of_range).
     */
    public JobSettings withMaxTimeAhead(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(
                    "the largest time ahead must not be negative, was " + value);
        }
        JobSettings copy = copy();
        copy.maxTimeAhead = value;
        return copy;
    }

    public List<String> blockedIds() {
        return blockedIds;
    }

    /**
     * External id values refused on identity links and events (blocked_id), compared trimmed and
     * ignoring case; an entry between slashes is a regular expression the whole id must match.
     * Empty and blank ids are refused whatever this says.
     */
    public JobSettings withBlockedIds(List<String> value) {
        List<String> entries = new ArrayList<>();
        for (String entry : value) {
            String trimmed = entry.strip();
            if (trimmed.contains(",")) {
                throw new IllegalArgumentException(
                        "a blocked id cannot contain a comma (the list separator): " + trimmed);
            }
            if (trimmed.length() > 2 && trimmed.startsWith("/") && trimmed.endsWith("/")) {
                try {
                    Pattern.compile(trimmed.substring(1, trimmed.length() - 1));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException(
                            "blocked id "
                                    + trimmed
                                    + " is no regular expression: "
                                    + e.getDescription());
                }
            }
            if (!trimmed.isEmpty()) {
                entries.add(trimmed);
            }
        }
        JobSettings copy = copy();
        copy.blockedIds = List.copyOf(entries);
        return copy;
    }

    public int maxIdsPerSystem() {
        return maxIdsPerSystem;
    }

    /** At most this many external ids of one system count for one customer. */
    public JobSettings withMaxIdsPerSystem(int value) {
        if (value < 1) {
            throw new IllegalArgumentException(
                    "a customer needs room for at least one external id per system, was " + value);
        }
        JobSettings copy = copy();
        copy.maxIdsPerSystem = value;
        return copy;
    }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>(placeholders());
        // the query string may hold sslpassword, password, sslkey paths: never printed
        shown.put(
                "jdbc.url",
                JdbcUrls.withoutParameters(jdbcUrl)
                        + (jdbcUrl.contains("?") ? " (parameters not shown)" : ""));
        shown.put("jdbc.password", jdbcPassword.isEmpty() ? "(none)" : "(set)");
        KafkaConnection.masked(kafkaProperties)
                .forEach((key, value) -> shown.put("kafka.properties." + key, value));
        if (stateDirectory != null) {
            shown.put("state-dir", stateDirectory);
        }
        shown.put("mini-batch-latency", miniBatchLatency.toMillis() + " ms");
        shown.put(
                "pseudonym-key",
                pseudonymKey != null
                        ? "(set)"
                        : pseudonymisationOff ? "OFF: raw external ids" : "(none)");
        flinkConfiguration.forEach(
                (key, value) ->
                        shown.put(
                                "flink:" + key,
                                GlobalConfiguration.isSensitive(key) ? "(set)" : value));
        return shown.toString();
    }
}
