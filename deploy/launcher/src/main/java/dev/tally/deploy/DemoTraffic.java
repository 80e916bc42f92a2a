package dev.tally.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.deploy.traffic.TrafficConfig;
import dev.tally.deploy.traffic.TrafficGenerator;
import dev.tally.deploy.traffic.TrafficReport;
import dev.tally.deploy.traffic.model.SiteProfile;
import dev.tally.store.CassandraConfig;
import dev.tally.store.CassandraSessions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated visitors for a running stack: registers the generator's sites in the site registry (new
 * keys for ones registered before), waits until the gateway accepts them, then sends traffic on a
 * thread of its own. Behind {@code ./tally run --demo} and {@code ./tally traffic}.
 *
 * <p>Distinct visitors come out right only when the gateway believes the generator's
 * {@code X-Forwarded-For}: its {@code gateway.trusted-proxies} must include the generator's address
 * ({@link #TRUSTED_LOOPBACK} on one machine), which {@code --demo} sets.
 */
final class DemoTraffic implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoTraffic.class);
    /** What the gateway must trust for simulated visitors to keep their own addresses, when the generator runs on its machine. */
    static final String TRUSTED_LOOPBACK = "127.0.0.1/32,::1/128";
    private static final Duration READINESS_TIMEOUT = Duration.ofSeconds(30);

    private final TrafficGenerator generator;
    private final CompletableFuture<TrafficReport> report = new CompletableFuture<>();

    private DemoTraffic(TrafficGenerator generator) {
        this.generator = generator;
    }

    /** Registers the sites (before returning), then starts sending on a daemon thread. */
    static DemoTraffic start(CassandraConfig cassandra, URI gateway, TrafficConfig config) {
        DemoTraffic traffic = new DemoTraffic(prepare(cassandra, gateway, config));
        Thread thread = new Thread(traffic::runUntilStopped, "demo-traffic");
        thread.setDaemon(true);
        thread.start();
        return traffic;
    }

    /** Registers the sites of the configured mix and returns a generator that knows their keys. */
    static TrafficGenerator prepare(CassandraConfig cassandra, URI gateway, TrafficConfig config) {
        Map<String, String> keys;
        try (CqlSession session = CassandraSessions.openOrFail(cassandra, "tally-demo-traffic")) {
            SiteAdmin admin = new SiteAdmin(session, cassandra);
            keys = TrafficGenerator.register(config.mix(), site -> admin.addOrRekeySimulatedSite(site.id(), site.allowedHosts()));
        }
        return new TrafficGenerator(config, gateway, keys);
    }

    private void runUntilStopped() {
        try {
            generator.awaitSitesReady(READINESS_TIMEOUT);
            report.complete(generator.run());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report.completeExceptionally(e);
        } catch (RuntimeException e) {
            LOG.error("Demo traffic stopped: {}", TallyLauncher.causes(e));
            report.completeExceptionally(e);
        }
    }

    List<SiteProfile> sites() {
        return generator.sites();
    }

    Map<String, String> siteKeys() {
        return generator.siteKeys();
    }

    /** Stops sending and waits a little for the answers in flight. */
    @Override
    public void close() {
        generator.stop();
        try {
            report.get(40, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Already logged by the traffic thread, or it is still draining: the stack is stopping anyway.
        }
    }
}
