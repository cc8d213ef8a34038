package io.segflow.cli;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segflow.embedded.EmbeddedKafka;
import io.segflow.infra.TopicOffsets;
import io.segflow.pipeline.InputTopics;
import io.segflow.pipeline.JobSettings;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The job against a broker that lets no client in without a SASL/PLAIN login, the login given as a
 * deployment gives it: environment variables (from a Kubernetes secret, say), read by the `run`
 * command. Topics are created, inputs read, outputs written and offsets read through the secured
 * listener; a wrong password stops the run at once with a message that says so; the password
 * appears in nothing printed or logged.
 */
class SecuredKafkaITCase extends SegflowITCaseBase {

    private static EmbeddedKafka securedKafka;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        securedKafka = EmbeddedKafka.startWithSaslPlain();
    }

    @AfterAll
    static void stopSecuredBroker() throws Exception {
        if (securedKafka != null) {
            securedKafka.close();
        }
    }

    /** What a deployment sets: the login as SEGFLOW_KAFKA_PROPERTY_* variables. */
    private static Map<String, String> environment(String password) {
        Map<String, String> login =
                EmbeddedKafka.saslPlainClient(EmbeddedKafka.SASL_USER, password);
        return Map.of(
                "SEGFLOW_KAFKA_PROPERTY_SECURITY_PROTOCOL", login.get("security.protocol"),
                "SEGFLOW_KAFKA_PROPERTY_SASL_MECHANISM", login.get("sasl.mechanism"),
                "SEGFLOW_KAFKA_PROPERTY_SASL_JAAS_CONFIG", login.get("sasl.jaas.config"));
    }

    /** `segflow run --kafka <secured broker> ...` in that environment, on this test's topics. */
    private static JobSettings settings(Map<String, String> environment) throws Exception {
        JobSettings fresh = freshSettings();
        String[] args = {
            "run", "--kafka", securedKafka.bootstrapServers(), "--jdbc-url", fresh.jdbcUrl()
        };
        CommandLine cli = SegflowCli.commandLine(args, environment);
        RunCommand run = (RunCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
        JobSettings fromCommandLine = run.settings(environment);
        return fresh.withKafkaBootstrapServers(fromCommandLine.kafkaBootstrapServers())
                .withKafkaProperties(fromCommandLine.kafkaProperties());
    }

    @Test
    void theJobReadsAndWritesThroughASaslListener() throws Exception {
        JobSettings settings = settings(environment(EmbeddedKafka.SASL_PASSWORD));
        assertThat(settings.kafkaProperties()).containsKey("sasl.jaas.config");
        assertThat(settings.toString()).doesNotContain(EmbeddedKafka.SASL_PASSWORD);
        List<String> logged;
        try (CapturedLog log = CapturedLog.atInfo()) {
            // the job creates its topics itself, through its admin client
            JobClient job = startStreaming(settings);
            try {
                try (Feeds feeds = new Feeds(securedKafka.newProducer(), settings)) {
                    feeds.customerInsert(
                            customer(
                                    1,
                                    LocalDate.of(1985, 3, 1),
                                    "DE",
                                    false,
                                    null,
                                    Instant.parse("2026-11-19T00:00:00Z")),
                            true);
                    feeds.link("web", "v-1", 1, false);
                    feeds.web("e1", "v-1", "s1", "page_view", "2026-11-20T10:00:00Z");
                    feeds.web("e2", "v-1", "s1", "page_view", "2026-11-20T10:01:00Z");
                    feeds.raw(settings.webEventsTopic(), null, "not json at all");
                }
                awaitRows(
                        settings,
                        "SELECT website_views FROM customer_profile WHERE customer_id = 1",
                        rows ->
                                rows.size() == 1
                                        && Long.valueOf(2)
                                                .equals(rows.get(0).get("website_views")));

                try (TopicOffsets offsets = new TopicOffsets(settings.kafkaConnection())) {
                    Map<TopicPartition, Long> ends = offsets.latest(InputTopics.of(settings));
                    // created by the job with the partitions asked for, not by a producer's
                    // auto-creation (one partition)
                    assertThat(ends).hasSize(InputTopics.of(settings).size() * 2);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (!offsets.committedUpTo(settings.consumerGroup(), ends)
                            && System.nanoTime() < deadline) {
                        Thread.sleep(500);
                    }
                    assertThat(offsets.committedUpTo(settings.consumerGroup(), ends)).isTrue();
                }

                // written in a transaction through the secured listener, read once committed
                List<ConsumerRecord<String, String>> deadLetters =
                        readCommitted(settings, settings.deadLetterTopic(), 1);
                assertThat(deadLetters).hasSize(1);
                assertThat(deadLetters.get(0).value())
                        .contains("unreadable_payload")
                        .contains("malformed_json: ");
            } finally {
                cancel(job);
            }
            logged = log.messages();
        }
        assertThat(logged).isNotEmpty();
        assertThat(logged)
                .as("log lines with the password")
                .noneMatch(line -> line.contains(EmbeddedKafka.SASL_PASSWORD));
    }

    @Test
    void aWrongPasswordStopsTheRunWithAClearMessage() throws Exception {
        String wrong = "not-the-password";
        JobSettings settings = settings(environment(wrong));
        long started = System.nanoTime();
        assertThatThrownBy(() -> startStreaming(settings))
                .hasMessageContaining(
                        "Cannot reach Kafka at "
                                + securedKafka.bootstrapServers()
                                + " (SASL_PLAINTEXT)")
                .hasMessageContaining("authentication failed")
                .hasMessageContaining("sasl.jaas.config")
                .hasMessageNotContaining(wrong);
        // refused at once, not after the admin client's timeout
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofSeconds(25));
    }

    /** Reads the topic with isolation.level=read_committed until it holds {@code expected}. */
    private static List<ConsumerRecord<String, String>> readCommitted(
            JobSettings settings, String topic, int expected) {
        Properties props = settings.kafkaConnection().clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.consumerGroup() + "-check");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            // and nothing more: a record committed twice would show up now
            consumer.poll(Duration.ofSeconds(3)).forEach(records::add);
        }
        return records;
    }

    /** Everything logged at INFO and above while open, the console still showing WARN only. */
    private static final class CapturedLog implements AutoCloseable {
        private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        private final LoggerConfig root = context.getConfiguration().getRootLogger();
        private final Level rootLevel = root.getLevel();
        private final Map<String, Appender> rootAppenders = Map.copyOf(root.getAppenders());
        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        private final Appender capture =
                new AbstractAppender(
                        "secured-kafka-capture", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        lines.add(
                                event.getLoggerName()
                                        + " "
                                        + event.getMessage().getFormattedMessage()
                                        + (event.getThrown() == null
                                                ? ""
                                                : " " + event.getThrown()));
                    }
                };

        static CapturedLog atInfo() {
            return new CapturedLog();
        }

        private CapturedLog() {
            capture.start();
            rootAppenders.keySet().forEach(root::removeAppender);
            rootAppenders.values().forEach(appender -> root.addAppender(appender, rootLevel, null));
            root.addAppender(capture, Level.INFO, null);
            root.setLevel(Level.INFO);
            context.updateLoggers();
        }

        List<String> messages() {
            return List.copyOf(lines);
        }

        @Override
        public void close() {
            root.removeAppender(capture.getName());
            rootAppenders.keySet().forEach(root::removeAppender);
            rootAppenders.values().forEach(appender -> root.addAppender(appender, null, null));
            root.setLevel(rootLevel);
            context.updateLoggers();
            capture.stop();
        }
    }
}
