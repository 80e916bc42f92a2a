package dev.tally.deploy.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) in a child JVM.
 *
 * <p>In: {@link KafkaSettings}. The data directory is formatted on the first start only, and keeps its
 * cluster id and topics across later starts; server.properties and the log4j2 configuration are
 * rewritten on every start. Out: a broker that answers Admin requests on {@link #bootstrapServers()}
 * with the cluster id of this data directory. Its output goes to {@code <dataDir>/logs/kafka.out}, its
 * INFO log to {@code <dataDir>/logs/server.log}.
 */
public final class KafkaNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaNode.class);

    static final String NAME = "Kafka broker";
    private static final String MAIN_CLASS = "kafka.Kafka";
    private static final String STORAGE_TOOL = "kafka.tools.StorageTool";
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final int ADMIN_TIMEOUT_MS = 2_000;
    /** Short-lived: compiling with C2 and a concurrent collector would only compete with the servers. */
    private static final List<String> TOOL_JVM_OPTIONS =
            List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    private static final List<String> ADMIN_CLASSES_TO_PRELOAD = List.of(
            "org.apache.kafka.clients.admin.AdminClientConfig",
            "org.apache.kafka.clients.admin.KafkaAdminClient",
            "org.apache.kafka.clients.NetworkClient",
            "org.apache.kafka.common.network.Selector",
            "org.apache.kafka.common.protocol.ApiKeys",
            "org.apache.kafka.common.requests.MetadataRequest",
            "org.apache.kafka.common.requests.DescribeClusterRequest");

    private final KafkaSettings settings;
    private final String clusterId;
    private final ChildProcess process;

    private KafkaNode(KafkaSettings settings, String clusterId, ChildProcess process) {
        this.settings = settings;
        this.clusterId = clusterId;
        this.process = process;
    }

    /**
     * Starts the broker and returns once it is ready. Fails with a {@link ServerStartException} naming
     * the output file if a port is taken, the child exits, or it is not ready within
     * {@code readyTimeout}; the child is stopped in every such case.
     */
    public static KafkaNode start(KafkaSettings settings, Duration readyTimeout) {
        long started = System.nanoTime();
        Instant deadline = Instant.now().plus(readyTimeout);
        KafkaConfig config = new KafkaConfig(settings);
        FreePorts.requireFree(NAME, settings.host(), config.ports());
        writeConfig(config);
        String classpath = ServerClasspath.of(ServerClasspath.KAFKA);
        String clusterId = clusterIdFormattingIfNew(config, classpath);

        LOG.info("Starting the {} on {} (data in {}, output in {})", NAME, config.bootstrapServers(),
                settings.dataDir(), config.outputFile());
        ChildProcess process = ChildProcess.start(NAME,
                ChildProcess.command(config.jvmOptions(), classpath, MAIN_CLASS, config.serverArgs()),
                config.outputFile());
        warmUpAdminClient();
        try {
            awaitReady(process, settings, config.bootstrapServers(), clusterId, deadline);
        } catch (RuntimeException e) {
            process.stop();
            throw e;
        }
        LOG.info("Kafka broker ready on {} in {} s (cluster id {}, pid {})", config.bootstrapServers(),
                ChildProcess.seconds(Duration.ofNanos(System.nanoTime() - started)), clusterId, process.pid());
        return new KafkaNode(settings, clusterId, process);
    }

    private static void writeConfig(KafkaConfig config) {
        try {
            Files.createDirectories(config.configDir());
            Files.createDirectories(config.logDir());
            Files.createDirectories(config.logsDir());
            Files.writeString(config.serverProperties(), config.serverPropertiesText(), StandardCharsets.UTF_8);
            Files.writeString(config.log4jConfig(), config.log4jConfigText(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ServerStartException("Cannot write the Kafka configuration under " + config.configDir()
                    + ": " + e.getMessage(), List.of(), e);
        }
    }

    /** Formats the log directory unless an earlier run did; either way returns its cluster id. */
    private static String clusterIdFormattingIfNew(KafkaConfig config, String classpath) {
        Path meta = config.metaProperties();
        if (Files.exists(meta)) {
            try {
                return KafkaConfig.clusterId(Files.readString(meta, StandardCharsets.UTF_8))
                        .orElseThrow(() -> new ServerStartException(meta + " has no cluster.id. Move "
                                + config.logDir() + " away to start with an empty broker.", List.of()));
            } catch (IOException e) {
                throw new ServerStartException("Cannot read " + meta + ": " + e.getMessage(), List.of(), e);
            }
        }
        long started = System.nanoTime();
        // What `StorageTool random-uuid` prints, without the second or so a JVM of its own would cost.
        String clusterId = Uuid.randomUuid().toString();
        ChildProcess.runTool("Kafka storage tool (format)",
                ChildProcess.command(TOOL_JVM_OPTIONS, classpath, STORAGE_TOOL, config.formatArgs(clusterId)),
                config.outputFile(), TOOL_TIMEOUT);
        LOG.info("Formatted Kafka storage in {} with cluster id {} in {} s", config.logDir(), clusterId,
                ChildProcess.seconds(Duration.ofNanos(System.nanoTime() - started)));
        return clusterId;
    }

    /**
     * Ready means: the port accepts connections, an Admin client lists topics, and the cluster id is
     * ours. The last check matters when a stale broker holds the port: it would pass the first two.
     */
    private static void awaitReady(ChildProcess process, KafkaSettings settings, String bootstrapServers,
            String clusterId, Instant deadline) {
        // The port opens when the broker has started. An Admin client created before that would log a
        // connection warning every 200 ms: it connects as soon as it exists.
        process.awaitReady(deadline, () -> FreePorts.accepts(settings.host(), settings.port()),
                () -> "nothing accepts connections on " + bootstrapServers);
        try (Admin admin = Admin.create(adminProperties(bootstrapServers))) {
            AtomicReference<String> lastProblem = new AtomicReference<>("no answer yet");
            process.awaitReady(deadline, () -> answersAs(admin, clusterId, lastProblem),
                    () -> "Admin requests to " + bootstrapServers + " failed: " + lastProblem.get());
        }
    }

    /**
     * Loads the Admin client's heaviest classes (config definitions, protocol schemas) while the broker
     * starts, so that the readiness check answers sooner once the port opens.
     */
    private static void warmUpAdminClient() {
        Thread warmUp = new Thread(() -> {
            try {
                for (String name : ADMIN_CLASSES_TO_PRELOAD) {
                    Class.forName(name, true, KafkaNode.class.getClassLoader());
                }
            } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
                LOG.debug("Admin client warm-up failed; the first probe will be slower: {}", e.toString());
            }
        }, "kafka-admin-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    private static boolean answersAs(Admin admin, String clusterId, AtomicReference<String> lastProblem) {
        try {
            admin.listTopics(new ListTopicsOptions().timeoutMs(ADMIN_TIMEOUT_MS)).names()
                    .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            String answered = admin.describeCluster(new DescribeClusterOptions().timeoutMs(ADMIN_TIMEOUT_MS))
                    .clusterId().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (clusterId.equals(answered)) {
                return true;
            }
            lastProblem.set("the broker there has cluster id " + answered + ", not " + clusterId
                    + " (is another broker using this port?)");
            return false;
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Admin probe failed: {}", e.toString());
            lastProblem.set(String.valueOf(e.getCause() != null ? e.getCause() : e));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerStartException("Interrupted while waiting for the " + NAME, List.of(), e);
        }
    }

    private static Properties adminProperties(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "tally-local-cluster-readiness");
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ADMIN_TIMEOUT_MS);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ADMIN_TIMEOUT_MS);
        properties.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        properties.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200);
        return properties;
    }

    /** {@code host:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return settings.host() + ":" + settings.port();
    }

    /** The id formatted into this data directory on its first start. */
    public String clusterId() {
        return clusterId;
    }

    public KafkaSettings settings() {
        return settings;
    }

    /** The broker's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the broker process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@code <dataDir>/logs/kafka.out}: the broker's stdout and stderr. */
    public Path outputFile() {
        return process.outputFile();
    }

    /** SIGKILL, as in a crash; returns once the process is gone. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM, then SIGKILL after 30 s. Harmless if already stopped or killed. */
    @Override
    public void close() {
        process.stop();
    }
}
