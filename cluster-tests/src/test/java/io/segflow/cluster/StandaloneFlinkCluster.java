package io.segflow.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * A Flink standalone session cluster as Flink's own start scripts would run it, without a Flink
 * distribution: one JobManager ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers
 * ({@code TaskManagerRunner}), each its own JVM on {@code lib/*}, all reading a verbatim copy of a
 * deployment's {@code config.yaml} and {@code log4j.properties} from {@code conf/}. A TaskManager
 * can be killed and another started in its place, as when a worker machine is lost.
 *
 * <p>Like the supervisor every production TaskManager runs under (Kubernetes, systemd with {@code
 * Restart=always}), the cluster starts a TaskManager again whose process ended by itself: Flink
 * ends a TaskManager's process on a fatal error, and Flink 2.2 raises one when a join that was
 * restoring its state is cancelled (see jobs' {@code TaskManagerSupervisor}).
 *
 * <p>What differs from the deployment is passed as {@code -D key=value}, exactly as one would to
 * {@code bin/jobmanager.sh start}: the file itself is what gets proven. Memory flags come from
 * {@code BashJavaUtils}, as in the scripts, so the memory settings mean what they would in
 * production.
 */
final class StandaloneFlinkCluster implements AutoCloseable {

    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final int LOG_TAIL_LINES = 80;

    private final Path home;
    private final int restPort;
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Process> taskManagers = new LinkedHashMap<>();
    private final List<String> restarted = new ArrayList<>();
    private Path libDir;
    private Configuration effective;
    private List<String> dynamicProperties;
    private Thread supervisor;

    /** Child JVMs outlive their parent: if the test JVM is killed, this still ends them. */
    private final Thread killerOnExit = new Thread(this::killAll, "flink-cluster-killer");

    private StandaloneFlinkCluster(Path home, int restPort) {
        this.home = home;
        this.restPort = restPort;
        Runtime.getRuntime().addShutdownHook(killerOnExit);
    }

    /**
     * What one machine needs changed from deploy/flink/config.yaml: every process reached as
     * localhost, every port but REST's left for the OS to choose, and checkpoints, savepoints and
     * temporary files under {@code home}.
     */
    static Map<String, String> singleMachineOverrides(Path home) throws IOException {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String hostKey :
                List.of(
                        "jobmanager.rpc.address",
                        "jobmanager.bind-host",
                        "rest.address",
                        "rest.bind-address",
                        "taskmanager.host",
                        "taskmanager.bind-host")) {
            overrides.put(hostKey, "localhost");
        }
        overrides.put("taskmanager.rpc.port", "0");
        overrides.put("taskmanager.data.port", "0");
        overrides.put("blob.server.port", "0");
        overrides.put(
                "execution.checkpointing.dir", home.resolve("checkpoints").toUri().toString());
        overrides.put(
                "execution.checkpointing.savepoint-dir",
                home.resolve("savepoints").toUri().toString());
        overrides.put("io.tmp.dirs", Files.createDirectories(home.resolve("tmp")).toString());
        overrides.put("web.tmpdir", Files.createDirectories(home.resolve("web")).toString());
        return overrides;
    }

    /**
     * Starts the JobManager and the TaskManagers and returns once the REST API answers and every
     * TaskManager's slots are registered.
     *
     * @param home an empty directory for conf/, log/ and the cluster's working files
     * @param overrides settings that differ from the deployment's config.yaml
     * @param jobManagerEnvironment extra environment of the JobManager, where REST-submitted jobs
     *     run their main()
     */
    static StandaloneFlinkCluster start(
            Path libDir,
            Path deployDir,
            Path home,
            Map<String, String> overrides,
            Map<String, String> jobManagerEnvironment,
            int taskManagerCount,
            Duration startTimeout)
            throws Exception {
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("log"));
        Files.copy(deployDir.resolve("config.yaml"), conf.resolve("config.yaml"));
        Files.copy(deployDir.resolve("log4j.properties"), conf.resolve("log4j.properties"));

        int restPort = freePort();
        Map<String, String> settings = new LinkedHashMap<>(overrides);
        settings.put("rest.port", Integer.toString(restPort));
        settings.put("jobmanager.rpc.port", Integer.toString(freePort()));
        List<String> dynamicProperties = new ArrayList<>();
        settings.forEach(
                (key, value) -> dynamicProperties.addAll(List.of("-D", key + "=" + value)));

        Configuration effective =
                GlobalConfiguration.loadConfiguration(
                        conf.toString(), Configuration.fromMap(settings));
        StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(home, restPort);
        cluster.libDir = libDir;
        cluster.effective = effective;
        cluster.dynamicProperties = dynamicProperties;
        try {
            cluster.startProcess(
                    "jobmanager",
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                    "GET_JM_RESOURCE_PARAMS",
                    libDir,
                    effective,
                    dynamicProperties,
                    jobManagerEnvironment);
            for (int i = 1; i <= taskManagerCount; i++) {
                cluster.startTaskManager("taskmanager-" + i);
            }
            cluster.supervisor = new Thread(cluster::superviseTaskManagers, "tm-supervisor");
            cluster.supervisor.setDaemon(true);
            cluster.supervisor.start();
            cluster.awaitSlots(
                    taskManagerCount * effective.get(TaskManagerOptions.NUM_TASK_SLOTS),
                    startTimeout);
        } catch (Exception | AssertionError e) {
            String logs = cluster.logTails();
            cluster.close();
            throw new IllegalStateException(
                    "the Flink cluster did not start; its logs:\n" + logs, e);
        }
        return cluster;
    }

    /** Starts a TaskManager JVM (it registers with the JobManager by itself). */
    synchronized void startTaskManager(String name) throws Exception {
        taskManagers.put(
                name,
                startProcess(
                        name,
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        "GET_TM_RESOURCE_PARAMS",
                        libDir,
                        effective,
                        dynamicProperties,
                        Map.of()));
    }

    /** The TaskManagers that ended by themselves and were started again, with their exit code. */
    synchronized List<String> restartedTaskManagers() {
        return List.copyOf(restarted);
    }

    private void superviseTaskManagers() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(500);
                synchronized (this) {
                    for (Map.Entry<String, Process> tm : List.copyOf(taskManagers.entrySet())) {
                        if (!tm.getValue().isAlive()) {
                            String name = tm.getKey() + "-restarted";
                            restarted.add(
                                    tm.getKey() + " (exit " + tm.getValue().exitValue() + ")");
                            taskManagers.remove(tm.getKey());
                            processes.remove(tm.getValue());
                            startTaskManager(name);
                        }
                    }
                }
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a TaskManager again", e);
        }
    }

    /** SIGKILL of a TaskManager's JVM, as when its machine is lost. */
    synchronized void killTaskManager(String name) throws InterruptedException {
        Process process = taskManagers.remove(name);
        processes.remove(process);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    FlinkRestClient rest() {
        return new FlinkRestClient("http://localhost:" + restPort);
    }

    Path home() {
        return home;
    }

    private Process startProcess(
            String name,
            String mainClass,
            String resourceParamsCommand,
            Path libDir,
            Configuration effective,
            List<String> dynamicProperties,
            Map<String, String> environment)
            throws Exception {
        List<String> resourceParams =
                bashJavaUtils(resourceParamsCommand, libDir, dynamicProperties);
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(words(resourceParams.get(0)));
        command.addAll(javaOptions(effective, name));
        command.add("-Dlog.file=" + home.resolve("log/" + name + ".log"));
        command.add("-Dlog4j.configurationFile=file:" + home.resolve("conf/log4j.properties"));
        command.addAll(List.of("-cp", libDir.toAbsolutePath() + "/*", mainClass));
        command.addAll(List.of("--configDir", home.resolve("conf").toString()));
        command.addAll(dynamicProperties);
        // the memory sizes BashJavaUtils derived, as the scripts hand them on
        command.addAll(words(resourceParams.get(1)));

        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(home.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        home.resolve("log/" + name + ".out").toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** What Flink's scripts put on every JVM's command line, then the role's own options. */
    private static List<String> javaOptions(Configuration effective, String role) {
        List<String> options = new ArrayList<>();
        for (String key :
                List.of(
                        "env.java.default-opts.all",
                        "env.java.opts.all",
                        "env.java.default-opts." + role,
                        "env.java.opts." + role)) {
            options.addAll(
                    words(effective.get(ConfigOptions.key(key).stringType().defaultValue(""))));
        }
        return options;
    }

    /** Runs Flink's BashJavaUtils as the start scripts do and returns its result lines. */
    private List<String> bashJavaUtils(String command, Path libDir, List<String> dynamicProperties)
            throws Exception {
        List<String> line =
                new ArrayList<>(
                        List.of(
                                javaExecutable(),
                                "-cp",
                                libDir.toAbsolutePath() + "/*",
                                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                                command,
                                "--configDir",
                                home.resolve("conf").toString()));
        line.addAll(dynamicProperties);
        Path output = home.resolve("log/bash-java-utils-" + command + ".out");
        Process process =
                new ProcessBuilder(line)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("BashJavaUtils " + command + " did not finish");
        }
        List<String> results =
                Files.readAllLines(output, StandardCharsets.UTF_8).stream()
                        .filter(l -> l.startsWith(RESULT_PREFIX))
                        .map(l -> l.substring(RESULT_PREFIX.length()))
                        .toList();
        if (process.exitValue() != 0 || results.size() != 2) {
            throw new IllegalStateException(
                    "BashJavaUtils "
                            + command
                            + " failed:\n"
                            + Files.readString(output, StandardCharsets.UTF_8));
        }
        return results;
    }

    void awaitSlots(int slots, Duration timeout) throws Exception {
        FlinkRestClient rest = rest();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastAnswer = "no answer yet";
        while (System.nanoTime() < deadline) {
            for (Process process : processes) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "a cluster process exited with " + process.exitValue());
                }
            }
            try {
                var overview = rest.get("/overview");
                lastAnswer = overview.toString();
                if (overview.path("slots-total").asInt() >= slots) {
                    return;
                }
            } catch (IOException notListeningYet) {
                lastAnswer = notListeningYet.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(
                "no " + slots + " slots within " + timeout + "; last /overview: " + lastAnswer);
    }

    /** The last lines of every log and console file of the cluster: what CI prints on failure. */
    String logTails() {
        StringBuilder tails = new StringBuilder();
        try (Stream<Path> files = Files.list(home.resolve("log"))) {
            for (Path file : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                tails.append("==== ")
                        .append(file)
                        .append(" (last ")
                        .append(Math.min(LOG_TAIL_LINES, lines.size()))
                        .append(" of ")
                        .append(lines.size())
                        .append(" lines) ====\n");
                lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
                        .forEach(l -> tails.append(l).append('\n'));
            }
        } catch (IOException e) {
            tails.append("(cannot read the cluster logs: ").append(e).append(")\n");
        }
        return tails.toString();
    }

    /** The whole of every log file, for assertions about what the cluster wrote. */
    String allLogs() {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(home.resolve("log"))) {
            for (Path file : files.sorted().toList()) {
                all.append(Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toString();
    }

    /** Stops the TaskManagers, then the JobManager; forcibly when they do not stop in time. */
    @Override
    public synchronized void close() {
        if (supervisor != null) {
            supervisor.interrupt();
        }
        taskManagers.clear();
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process process = processes.get(i);
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        try {
            Runtime.getRuntime().removeShutdownHook(killerOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway and finds nothing left to kill
        }
    }

    private synchronized void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private static List<String> words(String line) {
        return Arrays.stream(line.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
