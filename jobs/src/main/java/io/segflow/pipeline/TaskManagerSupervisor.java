package io.segflow.pipeline;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a new TaskManager in a local MiniCluster whenever one has stopped, as Kubernetes (or
 * systemd) restarts a cluster's TaskManager whose process ended.
 *
 * <p>Flink treats any exception thrown while a task cleans up after a failure as fatal to its
 * TaskManager ({@code Task.doRun}: "FATAL - exception in exception handler"), and Flink 2.2 itself
 * throws such exceptions: {@code MiniBatchStreamingJoinOperator.close()} dereferences its buffers,
 * which only {@code open()} creates, so a join cancelled while it restores its state (a failover
 * during a failover, e.g. while the database is away) throws a NullPointerException; the JDBC
 * connector's {@code JdbcOutputFormat.close()} does the same after a failed reconnect. On a cluster
 * the TaskManager process exits and its supervisor starts another; in a MiniCluster nothing does,
 * and the job then waits for slots forever. This supervisor is the missing piece for the local run.
 */
public final class TaskManagerSupervisor implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskManagerSupervisor.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration REGISTRATION = Duration.ofSeconds(30);

    private final MiniCluster cluster;
    private final int taskManagers;

    private TaskManagerSupervisor(MiniCluster cluster, int taskManagers) {
        this.cluster = cluster;
        this.taskManagers = taskManagers;
    }

    /** Watches the cluster (from before or after its start) until it shuts down. */
    public static void supervise(MiniCluster cluster, int taskManagers) {
        Thread thread =
                new Thread(
                        new TaskManagerSupervisor(cluster, taskManagers),
                        "segflow-taskmanager-supervisor");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        boolean started = false;
        // a TaskManager registers with the ResourceManager a moment after the cluster runs: fewer
        // than expected is a start, not a loss, until all have registered once or the time to
        // register has passed (on a loaded machine this supervisor once started a second
        // TaskManager beside the first; and a TaskManager may die between two looks, before it
        // was ever seen)
        boolean allRegistered = false;
        long runningSince = 0;
        try {
            while (true) {
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
                if (!cluster.isRunning()) {
                    if (started) {
                        return; // shut down with its job
                    }
                    continue;
                }
                if (!started) {
                    started = true;
                    runningSince = System.nanoTime();
                }
                int running = runningTaskManagers();
                if (running >= taskManagers
                        || System.nanoTime() - runningSince > REGISTRATION.toNanos()) {
                    allRegistered = true;
                }
                if (allRegistered && running >= 0 && running < taskManagers) {
                    LOG.warn(
                            "{} of {} TaskManagers of the local cluster are running (one stopped on"
                                    + " a fatal error, see above): starting another, as a cluster's"
                                    + " supervisor would",
                            running,
                            taskManagers);
                    cluster.startTaskManager();
                    awaitRegistration(running + 1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (cluster.isRunning()) {
                LOG.error("The TaskManager supervisor of the local cluster stopped", e);
            }
        }
    }

    /** How many TaskManagers the ResourceManager knows; -1 while it does not answer. */
    private int runningTaskManagers() {
        try {
            return cluster.getResourceOverview()
                    .get(POLL.toMillis() * 5, TimeUnit.MILLISECONDS)
                    .getNumberTaskManagers();
        } catch (Exception notAnswering) {
            return -1;
        }
    }

    private void awaitRegistration(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + REGISTRATION.toNanos();
        while (cluster.isRunning()
                && runningTaskManagers() < expected
                && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
