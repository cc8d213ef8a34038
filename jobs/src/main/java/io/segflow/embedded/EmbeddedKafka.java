package io.segflow.embedded;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

/**
 * A real Kafka broker in this JVM: one combined KRaft node (broker and controller), for the demo
 * and the tests. Topics are created on first use.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final int CLOSE_WAIT_SECONDS = 50;

    /** The super user of {@link #startWithSaslPlain()}, as the test kit's JAAS file has it. */
    public static final String SASL_USER = JaasUtils.KAFKA_PLAIN_ADMIN;

    public static final String SASL_PASSWORD = JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD;

    private final KafkaClusterTestKit cluster;

    /** What a client needs besides the servers: nothing, or the SASL login of a secured broker. */
    private final Map<String, String> clientProperties;

    /** The test kit's deletions of its data directories, run once the broker has stopped. */
    private final List<Runnable> directoryCleanups;

    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean directoriesDeleted = new AtomicBoolean();

    private EmbeddedKafka(
            KafkaClusterTestKit cluster,
            List<Runnable> directoryCleanups,
            Map<String, String> clientProperties) {
        this.cluster = cluster;
        this.clientProperties = Map.copyOf(clientProperties);
        this.directoryCleanups = directoryCleanups;
        // On Ctrl-C every shutdown hook runs at once. The test kit's own hooks would delete the
        // log directories under a running broker, which then halts the JVM (all log dirs
        // failed) before the demo has stopped the job and printed its last line; ours waits
        // for the orderly close, and deletes them after it.
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(this::deleteDirectoriesOnExit, "embedded-kafka-cleanup"));
    }

    public static EmbeddedKafka start() throws Exception {
        return start(SecurityProtocol.PLAINTEXT, Map.of());
    }

    /**
     * A broker whose clients must log in with SASL/PLAIN (listener SASL_PLAINTEXT, ACLs on, no
     * access without them): the user {@link #SASL_USER} is a super user, with the password {@link
     * #SASL_PASSWORD}. For the tests of a secured cluster; the broker's JAAS file is the test
     * kit's.
     */
    public static EmbeddedKafka startWithSaslPlain() throws Exception {
        return start(SecurityProtocol.SASL_PLAINTEXT, saslPlainClient(SASL_USER, SASL_PASSWORD));
    }

    /** The client properties of a SASL/PLAIN login over SASL_PLAINTEXT. */
    public static Map<String, String> saslPlainClient(String user, String password) {
        return Map.of(
                "security.protocol",
                SecurityProtocol.SASL_PLAINTEXT.name,
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + user
                        + "\" password=\""
                        + password
                        + "\";");
    }

    private static EmbeddedKafka start(
            SecurityProtocol protocol, Map<String, String> clientProperties) throws Exception {
        List<Runnable> cleanups = new CopyOnWriteArrayList<>();
        KafkaClusterTestKit cluster;
        // the test kit prints its storage formatting to stdout, which is the demo's console
        PrintStream console = System.out;
        synchronized (Exit.class) {
            Exit.setShutdownHookAdder((name, cleanup) -> cleanups.add(cleanup));
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                cluster = build(protocol);
                try {
                    cluster.format();
                    cluster.startup();
                    cluster.waitForReadyBrokers();
                } catch (Exception e) {
                    cluster.close();
                    cleanups.forEach(Runnable::run);
                    throw e;
                }
            } finally {
                System.setOut(console);
                Exit.resetShutdownHookAdder();
            }
        }
        return new EmbeddedKafka(cluster, cleanups, clientProperties);
    }

    private static KafkaClusterTestKit build(SecurityProtocol protocol) throws Exception {
        return new KafkaClusterTestKit.Builder(
                        new TestKitNodes.Builder()
                                .setCombined(true)
                                .setNumBrokerNodes(1)
                                .setNumControllerNodes(1)
                                .setBrokerSecurityProtocol(protocol)
                                // with ACLs on, a PLAINTEXT controller listener would refuse the
                                // broker's own anonymous requests
                                .setControllerSecurityProtocol(protocol)
                                .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("auto.create.topics.enable", "true")
                .setConfigProp("num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /**
     * What a client needs besides {@link #bootstrapServers()}: empty unless the broker is secured.
     */
    public Map<String, String> clientProperties() {
        return clientProperties;
    }

    /** A producer of string keys and values, acknowledged by the broker. */
    public KafkaProducer<String, String> newProducer() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // one batch in flight: a batch refused by a partition still electing its leader can
        // never leave a later one stranded with a sequence gap
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(props);
    }

    /**
     * Stops the broker as a broker process that goes away would: clients lose their connections and
     * get none until {@link #startBroker}. The controller and the data stay.
     */
    public void stopBroker() {
        for (BrokerServer broker : cluster.brokers().values()) {
            broker.shutdown();
            broker.awaitShutdown();
        }
    }

    /** Starts the stopped broker again, on the same address with the same data. */
    public void startBroker() throws Exception {
        for (BrokerServer broker : cluster.brokers().values()) {
            broker.startup();
        }
        cluster.waitForReadyBrokers();
    }

    @Override
    public void close() throws Exception {
        try {
            cluster.close();
        } finally {
            deleteDirectories();
            closed.countDown();
        }
    }

    private void deleteDirectoriesOnExit() {
        try {
            if (!closed.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                cluster.close(); // nobody closed it: a plain exit, or the orderly stop is stuck
            }
        } catch (Exception e) {
            // exiting anyway; the directories are still ours to delete
        }
        deleteDirectories();
    }

    private void deleteDirectories() {
        if (directoriesDeleted.compareAndSet(false, true)) {
            directoryCleanups.forEach(Runnable::run);
        }
    }
}
