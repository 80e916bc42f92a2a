package dev.tally.common.kafka;

import dev.tally.common.http.Readiness;
import dev.tally.common.http.ReadinessCheck;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the Kafka cluster in the background and caches the answer, so {@code /readyz} never waits
 * on the network. A probe is a {@code describeCluster} call with a short timeout.
 */
public final class KafkaReachability implements ReadinessCheck, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaReachability.class);

    private final String bootstrapServers;
    private final Admin admin;
    private final ScheduledExecutorService probes;
    private volatile Readiness last;

    public KafkaReachability(String bootstrapServers, Duration interval) {
        this.bootstrapServers = bootstrapServers;
        this.last = Readiness.notReady("not probed yet (" + bootstrapServers + ")");
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) interval.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) interval.toMillis(),
                AdminClientConfig.CLIENT_ID_CONFIG, "tally-readiness-probe"));
        this.probes = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "kafka-readiness-probe");
            thread.setDaemon(true);
            return thread;
        });
        probes.scheduleWithFixedDelay(() -> probe(interval), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe(Duration timeout) {
        boolean wasReady = last.ready();
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            last = Readiness.ok(nodes + " broker(s) at " + bootstrapServers);
            if (!wasReady) {
                LOG.info("Kafka reachable at {}", bootstrapServers);
            }
        } catch (Exception e) {
            last = Readiness.notReady("Kafka unreachable at " + bootstrapServers);
            if (wasReady) {
                LOG.warn("Kafka unreachable at {}: check the brokers are running and reachable from this host", bootstrapServers);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public Readiness check() {
        return last;
    }

    @Override
    public void close() {
        probes.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
