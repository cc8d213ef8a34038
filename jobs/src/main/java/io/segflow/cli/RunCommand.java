package io.segflow.cli;

import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.SegflowJob;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the streaming job against real infrastructure. With {@code java -jar} it runs on a local
 * MiniCluster; with {@code flink run segflow-cluster.jar run ...} or a REST jar run on the
 * cluster.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the streaming job against a real Kafka and PostgreSQL.",
            "Database credentials come from the environment: SEGFLOW_JDBC_USER, SEGFLOW_JDBC_PASSWORD."
        })
final class RunCommand implements Callable<Integer> {

    @Mixin Addresses addresses;

    @Option(names = "--bounded", description = "Stop at the Kafka offsets current at start instead of running forever.")
    boolean bounded;

    @Mixin JobOptions job;

    /** The job's settings; the database credentials only ever come from the environment. */
    JobSettings settings(Map<String, String> environment) {
        return addresses.settings(job, environment)
                .boundedMode(bounded ? "latest-offset" : "unbounded");
    }

    @Override
    public Integer call() throws Exception {
        JobSettings settings = settings(System.getenv());
        System.out.println("segflow: starting with " + settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobClient client = new SegflowJob(settings).start(env);
        System.out.println("segflow: job " + client.getJobID() + " submitted");
        if (followsJobToItsEnd(env)) {
            client.getJobExecutionResult().get();
        }
        return 0;
    }

    /**
     * Whether this process should stay with the job until it ends. A local MiniCluster lives in
     * this JVM, so returning would end the job; {@code flink run} waits unless given {@code -d}.
     * A detached submission returns at once: that includes a jar run through the REST API
     * ({@code POST /jars/:id/run}), where this main runs inside the JobManager and the job client
     * cannot even be asked for the result.
     */
    static boolean followsJobToItsEnd(StreamExecutionEnvironment env) {
        return env instanceof LocalStreamEnvironment
                || env.getConfiguration().get(DeploymentOptions.ATTACHED);
    }
}
