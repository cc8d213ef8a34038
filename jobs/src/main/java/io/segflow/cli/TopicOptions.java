package io.segflow.cli;

import io.segflow.pipeline.JobSettings;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The topics the job reads and writes besides the models topic, and its consumer group: the options
 * of the commands that read the input (run, backfill, archive, demo, validate). Defaults come from
 * {@link JobSettings#defaults()}.
 *
 * <p>The shipped topics have a flag each; the topic of any other {@code ${topic.NAME}} of the SQL
 * (a source a SQL user added) comes from {@code topic.NAME=...} in the configuration file or from
 * {@code SEGFLOW_TOPIC_NAME}, and is NAME itself when neither sets it.
 */
final class TopicOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = "--topic-customers",
            description =
                    "CRM customers change events (Debezium JSON), the SQL's $${topic.customers}."
                            + " Default: ${DEFAULT-VALUE}.")
    String customersTopic;

    @Option(
            names = "--topic-identities",
            description =
                    "CRM identity map change events (Debezium JSON), $${topic.identities}. Default:"
                            + " ${DEFAULT-VALUE}.")
    String identitiesTopic;

    @Option(
            names = "--topic-web-events",
            description =
                    "Web analytics events (JSON), $${topic.web-events}. Default: ${DEFAULT-VALUE}.")
    String webEventsTopic;

    @Option(
            names = "--topic-product-events",
            description =
                    "Product analytics events (JSON), $${topic.product-events}. Default:"
                        + " ${DEFAULT-VALUE}. The topic of a source of your own, $${topic.NAME} in"
                        + " 10_sources.sql: topic.NAME=... in the --config file or"
                        + " SEGFLOW_TOPIC_NAME (default: NAME).")
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
        Map<String, String> ofTheSql =
                command != null
                                && command.commandLine().getDefaultValueProvider()
                                        instanceof ConfigurationSources sources
                        ? sources.topics()
                        : Map.of();
        return settings.withTopics(ofTheSql)
                .withCustomersTopic(customersTopic)
                .withIdentitiesTopic(identitiesTopic)
                .withWebEventsTopic(webEventsTopic)
                .withProductEventsTopic(productEventsTopic)
                .withDeadLetterTopic(deadLetterTopic)
                .withSegmentsTopic(segmentsTopic)
                .withConsumerGroup(groupId);
    }
}
