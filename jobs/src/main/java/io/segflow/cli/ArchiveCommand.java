package io.segflow.cli;

import io.segflow.pipeline.ArchiveJob;
import io.segflow.pipeline.ArchiveSources;
import io.segflow.pipeline.JobSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Copies the input topics into files that `backfill --archive` reads. */
@Command(
        name = "archive",
        mixinStandardHelpOptions = true,
        description = {
            "Copy every record the input topics hold now into an archive directory (JSON lines per"
                    + " input table of",
            "10_sources.sql, with topic, partition, offset and timestamp), for a later `backfill"
                    + " --archive DIR`."
        })
final class ArchiveCommand implements Callable<Integer> {

    @Option(
            names = "--kafka",
            required = true,
            paramLabel = "SERVERS",
            description = "Kafka bootstrap servers.")
    String kafka;

    @Mixin KafkaClientOptions kafkaClient;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "DIR",
            description = "The archive directory (created; must not hold an archive yet).")
    Path directory;

    @Mixin JobOptions job;

    @Mixin TopicOptions topics;

    @Override
    public Integer call() throws Exception {
        if (Files.isDirectory(directory) && Files.list(directory).findAny().isPresent()) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--to "
                            + directory
                            + " is not empty: an archive is written once, into a new directory");
        }
        JobSettings settings =
                topics.applyTo(job.applyTo(JobSettings.defaults()))
                        .withKafkaBootstrapServers(kafka)
                        .withKafkaProperties(kafkaClient.properties(System.getenv()))
                        .withConsumerGroup(topics.groupId + "-archive");
        Path archive = directory.toAbsolutePath();
        JobClient client =
                new ArchiveJob(settings, archive)
                        .start(StreamExecutionEnvironment.getExecutionEnvironment());
        System.out.println("segflow: archive job " + client.getJobID() + " submitted");
        client.getJobExecutionResult().get();
        System.out.printf(
                "segflow: archived %,d records into %s%n",
                ArchiveSources.records(archive), archive);
        return 0;
    }
}
