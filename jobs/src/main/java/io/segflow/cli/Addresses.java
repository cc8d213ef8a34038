package io.segflow.cli;

import io.segflow.pipeline.JobSettings;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where Kafka and the customer database are: the options of every command that reaches both. */
final class Addresses {

    @Option(
            names = "--kafka",
            required = true,
            paramLabel = "SERVERS",
            description = "Kafka bootstrap servers, e.g. broker1:9092,broker2:9092.")
    String kafka;

    @Mixin Database database;

    JobSettings applyTo(JobSettings settings, Map<String, String> environment) {
        return database.applyTo(settings.withKafkaBootstrapServers(kafka), environment);
    }
}
