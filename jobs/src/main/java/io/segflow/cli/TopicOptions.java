package io.segflow.cli;

import io.segflow.pipeline.JobSettings;
import picocli.CommandLine.Option;

/**
 * The topics the job reads and writes besides the models topic, and its consumer group: the options
 * of the commands that read the input (run, backfill, archive, demo, validate). Defaults come from
 * {@link JobSettings#defaults()}.
 */
final class TopicOptions {

    @Option(
            names = "--topic-customers",
            description = "CRM customers change events (Debezium JSON). Default: ${DEFAULT-VALUE}.")
    String customersTopic;

    @Option(
            names = "--topic-identities",
            description =
                    "CRM identity map change events (Debezium JSON). Default: ${DEFAULT-VALUE}.")
    String identitiesTopic;

    @Option(
            names = "--topic-web-events",
            description = "Web analytics events (JSON). Default: ${DEFAULT-VALUE}.")
    String webEventsTopic;

    @Option(
            names = "--topic-product-events",
            description = "Product analytics events (JSON). Default: ${DEFAULT-VALUE}.")
    String productEventsTopic;

    @Option(
            names = "--topic-dead-letter",
            description = "Where rejected input records go. Default: ${DEFAULT-VALUE}.")
    String deadLetterTopic;

    @Option(
            names = "--topic-segments",
            description =
                    "Segment assignments for activation (upsert, keyed by customer_id). Default:"
                            + " ${DEFAULT-VALUE}.")
    String segmentsTopic;

    @Option(names = "--group-id", description = "Kafka consumer group. Default: ${DEFAULT-VALUE}.")
    String groupId;

    JobSettings applyTo(JobSettings settings) {
        return settings.withCustomersTopic(customersTopic)
                .withIdentitiesTopic(identitiesTopic)
                .withWebEventsTopic(webEventsTopic)
                .withProductEventsTopic(productEventsTopic)
                .withDeadLetterTopic(deadLetterTopic)
                .withSegmentsTopic(segmentsTopic)
                .withConsumerGroup(groupId);
    }
}
