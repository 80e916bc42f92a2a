package dev.tally.deploy.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka broker and one Cassandra node on this machine, each in its own child JVM.
 *
 * <p>In: {@link LocalClusterSettings}. Out: both servers ready, started in parallel; or, if either fails,
 * neither running and a {@link ServerStartException} that tells the operator what to do and where the
 * logs are. Used by {@code tally run} and, through {@link TestCluster}, by every integration test.
 */
public final class LocalCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

    /** Generous: on two busy cores Cassandra alone has needed nearly 30 s. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofMinutes(2);

    private final LocalClusterSettings settings;
    private final KafkaNode kafka;
    private final CassandraNode cassandra;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalCluster(LocalClusterSettings settings, KafkaNode kafka, CassandraNode cassandra) {
        this.settings = settings;
        this.kafka = kafka;
        this.cassandra = cassandra;
    }

    public static LocalCluster start(LocalClusterSettings settings) {
        return start(settings, DEFAULT_READY_TIMEOUT);
    }

    /**
     * Starts Kafka and Cassandra in parallel and waits for both, each for at most {@code readyTimeout}.
     * Both starts are CPU-bound: on two cores the pair is ready in 13-16 s, 1-3 s sooner than one after
     * the other; more cores save more.
     */
    public static LocalCluster start(LocalClusterSettings settings, Duration readyTimeout) {
        long started = System.nanoTime();
        // The commonest failure, checked before anything starts: otherwise it would surface only after
        // the other server had started and been stopped again.
        FreePorts.requireFree(KafkaNode.NAME, settings.kafka().host(), new KafkaConfig(settings.kafka()).ports());
        FreePorts.requireFree(CassandraNode.NAME, settings.cassandra().host(),
                new CassandraConfig(settings.cassandra()).ports());
        CompletableFuture<KafkaNode> kafka = inThread("start-kafka",
                () -> KafkaNode.start(settings.kafka(), readyTimeout));
        CompletableFuture<CassandraNode> cassandra = inThread("start-cassandra",
                () -> CassandraNode.start(settings.cassandra(), readyTimeout));

        RuntimeException kafkaFailure = failureOf(kafka);
        RuntimeException cassandraFailure = failureOf(cassandra);
        if (kafkaFailure == null && cassandraFailure == null) {
            LocalCluster cluster = new LocalCluster(settings, kafka.join(), cassandra.join());
            LOG.info("Local cluster ready in {} s: Kafka on {}, Cassandra on {}:{}, data in {}",
                    ChildProcess.seconds(Duration.ofNanos(System.nanoTime() - started)),
                    cluster.kafka.bootstrapServers(), settings.cassandra().host(), settings.cassandra().cqlPort(),
                    settings.dataDir());
            return cluster;
        }
        if (kafkaFailure == null) {
            kafka.join().close();
        }
        if (cassandraFailure == null) {
            cassandra.join().close();
        }
        throw combinedFailure(settings.dataDir(), kafkaFailure, cassandraFailure);
    }

    /** A plain thread rather than the common pool: start-up blocks for seconds, and the pool may be small. */
    private static <T> CompletableFuture<T> inThread(String name, Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(task.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** Waits for the start; null if it succeeded. */
    private static RuntimeException failureOf(CompletableFuture<?> start) {
        try {
            start.join();
            return null;
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                return runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            return new IllegalStateException(cause);
        }
    }

    private static ServerStartException combinedFailure(Path dataDir, RuntimeException kafkaFailure,
            RuntimeException cassandraFailure) {
        StringBuilder message = new StringBuilder("Could not start the local cluster (data in ")
                .append(dataDir).append("); nothing is left running.");
        List<Path> logFiles = new ArrayList<>();
        describe(message, logFiles, "Kafka", kafkaFailure);
        describe(message, logFiles, "Cassandra", cassandraFailure);
        message.append("\n\nWhat to do: read the output named above (the full INFO logs are next to it).")
                .append(" If a port is in use, stop whatever holds it (an earlier `tally run`?) or configure")
                .append(" other ports. If the data is damaged, move ").append(dataDir)
                .append(" away to start empty.");
        RuntimeException first = kafkaFailure != null ? kafkaFailure : cassandraFailure;
        ServerStartException combined = new ServerStartException(message.toString(), logFiles, first);
        if (kafkaFailure != null && cassandraFailure != null) {
            combined.addSuppressed(cassandraFailure);
        }
        return combined;
    }

    private static void describe(StringBuilder message, List<Path> logFiles, String server,
            RuntimeException failure) {
        if (failure == null) {
            return;
        }
        message.append("\n\n").append(server).append(": ").append(failure.getMessage());
        if (failure instanceof ServerStartException start) {
            logFiles.addAll(start.logFiles());
        }
    }

    public KafkaNode kafka() {
        return kafka;
    }

    public CassandraNode cassandra() {
        return cassandra;
    }

    public LocalClusterSettings settings() {
        return settings;
    }

    /** Stops both servers in parallel (SIGTERM, then SIGKILL after 30 s). Harmless if already closed. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Void> kafkaStopped = inThread("stop-kafka", () -> {
            kafka.close();
            return null;
        });
        cassandra.close();
        kafkaStopped.join();
    }
}
