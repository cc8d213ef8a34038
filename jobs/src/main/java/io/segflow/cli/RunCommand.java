package io.segflow.cli;

import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.SegflowJob;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the streaming job against real infrastructure. With {@code java -jar} it runs on a local
 * MiniCluster; with {@code flink run segflow-cluster.jar run ...} on the cluster.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the streaming job against a real Kafka and PostgreSQL.",
            "Database credentials come from the environment: SEGFLOW_JDBC_USER, SEGFLOW_JDBC_PASSWORD."
        })
final class RunCommand implements Callable<Integer> {

    static final String USER_ENV = "SEGFLOW_JDBC_USER";
    static final String PASSWORD_ENV = "SEGFLOW_JDBC_PASSWORD";

    @Option(names = "--kafka", required = true, paramLabel = "SERVERS", description = "Kafka bootstrap servers, e.g. broker1:9092,broker2:9092.")
    String kafka;

    @Option(names = "--jdbc-url", required = true, paramLabel = "URL", description = "PostgreSQL JDBC URL, e.g. jdbc:postgresql://db:5432/crm.")
    String jdbcUrl;

    @Option(names = "--bounded", description = "Stop at the Kafka offsets current at start instead of running forever.")
    boolean bounded;

    @Mixin JobOptions job;

    /** The job's settings; the database credentials only ever come from the environment. */
    JobSettings settings(Map<String, String> environment) {
        return job.applyTo(new JobSettings())
                .kafkaBootstrapServers(kafka)
                .jdbcUrl(jdbcUrl)
                .jdbcUser(environment.getOrDefault(USER_ENV, "postgres"))
                .jdbcPassword(environment.getOrDefault(PASSWORD_ENV, ""))
                .boundedMode(bounded ? "latest-offset" : "unbounded");
    }

    @Override
    public Integer call() throws Exception {
        JobSettings settings = settings(System.getenv());
        System.out.println("segflow: starting with " + settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobClient client = new SegflowJob(settings).start(env);
        System.out.println("segflow: job " + client.getJobID() + " submitted");
        client.getJobExecutionResult().get();
        return 0;
    }
}
