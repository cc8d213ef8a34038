package io.segflow.cli;

import io.segflow.pipeline.JobSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every command that runs the job shares: SQL, topics, checkpoints. */
final class JobOptions {

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

    @Option(names = "--watermark-delay", defaultValue = "5", paramLabel = "SECONDS", description = "How late (in event time) analytics events may arrive out of order. Default: ${DEFAULT-VALUE}.")
    int watermarkDelaySeconds;

    @Option(names = "--no-create-topics", negatable = false, description = "Do not create missing topics; fail instead.")
    boolean noCreateTopics;

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
                .watermarkDelaySeconds(watermarkDelaySeconds)
                .createTopics(!noCreateTopics);
    }
}
