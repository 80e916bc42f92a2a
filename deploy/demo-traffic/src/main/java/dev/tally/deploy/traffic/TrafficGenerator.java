package dev.tally.deploy.traffic;

import dev.tally.deploy.traffic.http.GatewayAnswer;
import dev.tally.deploy.traffic.http.HitEncoder;
import dev.tally.deploy.traffic.http.KeepAliveClient;
import dev.tally.deploy.traffic.http.SiteReadiness;
import dev.tally.deploy.traffic.model.Hit;
import dev.tally.deploy.traffic.model.SiteCatalogue;
import dev.tally.deploy.traffic.model.SiteProfile;
import dev.tally.deploy.traffic.model.TrafficMix;
import dev.tally.deploy.traffic.model.TrafficModel;
import dev.tally.deploy.traffic.truth.GroundTruth;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the {@link TrafficModel}'s hits to a gateway over HTTP at a target rate of events per second,
 * and keeps the {@link GroundTruth} of what the gateway acknowledged.
 *
 * <p>Open loop: hit {@code i} is due when the events before it, at the target rate, have had their
 * time, whatever the gateway did with earlier ones; it goes out on the next free keep-alive connection.
 * When every connection is busy the generator falls behind and catches up later, and says by how much
 * ({@link TrafficReport#maxBehindMillis()}). One thread does all of it (model, encoding, network).
 *
 * <p>Use: {@link #sitesOf} → register them ({@link SiteRegistrar}) → construct with their keys →
 * {@link #awaitSitesReady} → {@link #run} (blocks; {@link #stop} from another thread ends it early).
 */
public final class TrafficGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficGenerator.class);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    private static final long DRAIN_NANOS = Duration.ofSeconds(35).toNanos();

    /**
     * Hears about every answered hit, with what the gateway stored of it and {@link System#nanoTime()}
     * at sending and at the answer: for benchmarks measuring what happens after (freshness). Called on
     * the generator's thread, so it must be quick.
     */
    public interface Observer {
        void answered(Hit hit, GatewayAnswer answer, long sentNanos, long answeredNanos);
    }

    private final TrafficConfig config;
    private final URI gateway;
    private final Map<String, String> siteKeys;
    private final TrafficModel model;
    private final GroundTruth truth;
    private final HitEncoder encoder;
    private final Map<String, Long> rejected = new ConcurrentHashMap<>();
    private volatile double eventsPerSecond;
    private volatile boolean stopping;
    private volatile KeepAliveClient client;
    private Observer observer = (hit, answer, sent, answered) -> { };
    private long requests;
    private long eventsSent;
    private long eventsStored;
    private long eventsUnanswered;

    /**
     * @param gateway the gateway's base URL, e.g. {@code http://127.0.0.1:8080}
     * @param siteKeys each site's key, by site id
     */
    public TrafficGenerator(TrafficConfig config, URI gateway, Map<String, String> siteKeys) {
        this.config = config;
        this.gateway = gateway;
        this.siteKeys = Map.copyOf(siteKeys);
        this.model = new TrafficModel(config.mix());
        this.truth = new GroundTruth(config.mix().seed());
        this.encoder = new HitEncoder(gateway.getHost() + ":" + port(gateway), config.pixelPath(), config.eventsPath());
        this.eventsPerSecond = config.eventsPerSecond();
        for (SiteProfile site : model.sites()) {
            if (!this.siteKeys.containsKey(site.id())) {
                throw new IllegalArgumentException("no key for site " + site.id() + ": register every site of sitesOf(mix) first");
            }
        }
    }

    /** The sites a mix simulates; register them before constructing the generator. */
    public static List<SiteProfile> sitesOf(TrafficMix mix) {
        return SiteCatalogue.generate(mix.seed(), mix.sites(), mix.siteIdPrefix(), mix.pagesPerSite(), mix.siteExponent());
    }

    /** Registers every site of the mix; returns their keys by site id. */
    public static Map<String, String> register(TrafficMix mix, SiteRegistrar registrar) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (SiteProfile site : sitesOf(mix)) {
            keys.put(site.id(), registrar.register(site));
        }
        return keys;
    }

    public void observe(Observer observer) {
        this.observer = observer;
    }

    public List<SiteProfile> sites() {
        return model.sites();
    }

    public GroundTruth truth() {
        return truth;
    }

    /** Each simulated site's key, by site id (what the dashboard and the query API need to read it). */
    public Map<String, String> siteKeys() {
        return siteKeys;
    }

    /** Blocks until the gateway accepts every site with its key (see {@link SiteReadiness}). */
    public void awaitSitesReady(Duration timeout) throws InterruptedException {
        new SiteReadiness(gateway.resolve(config.eventsPath())).await(model.sites(), siteKeys, timeout);
    }

    /** Changes the target rate from now on; any thread. */
    public void setRate(double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("the rate must be above 0");
        }
        eventsPerSecond = perSecond;
    }

    /** Ends {@link #run} early: no new hits, answers to those in flight are still awaited. Any thread. */
    public void stop() {
        stopping = true;
        KeepAliveClient current = client;
        if (current != null) {
            current.wakeup();
        }
    }

    /** Sends for the configured duration (or until {@link #stop}), waits for the last answers, and reports. */
    public TrafficReport run() {
        InetSocketAddress target = new InetSocketAddress(gateway.getHost(), port(gateway));
        long started = System.nanoTime();
        long end = config.duration() == null ? Long.MAX_VALUE : started + config.duration().toNanos();
        long nextDue = started;
        long maxBehind = 0;
        long nextProgress = config.progressEvery() == null ? Long.MAX_VALUE : started + config.progressEvery().toNanos();
        long limit = config.hitLimit();
        Hit pending = null;
        try (KeepAliveClient http = new KeepAliveClient(target, config.connections(), RESPONSE_TIMEOUT, new Answers())) {
            client = http;
            LOG.info("Sending {} events/s to {} for {} sites ({}), seed {}", eventsPerSecond, gateway, model.sites().size(),
                    config.duration() == null ? "until stopped" : config.duration().toSeconds() + " s", config.mix().seed());
            while (!stopping) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                if (limit > 0 && requests >= limit) {
                    break;
                }
                // Everything due within the next millisecond goes now: the selector sleeps in whole milliseconds.
                while (nextDue <= now + 1_000_000 && nextDue < end && http.hasIdleConnection() && (limit == 0 || requests < limit)) {
                    if (pending == null) {
                        pending = model.next();
                    }
                    maxBehind = Math.max(maxBehind, now - nextDue);
                    send(http, pending);
                    nextDue += (long) (pending.events().size() * 1e9 / eventsPerSecond);
                    pending = null;
                }
                long wait = http.hasIdleConnection() ? Math.max(1, (nextDue - System.nanoTime()) / 1_000_000) : 100;
                http.poll(Math.min(wait, 100));
                if (System.nanoTime() >= nextProgress) {
                    LOG.info("Traffic: {} events sent, {} stored, {} rejected, {} unanswered", eventsSent, eventsStored,
                            rejectedTotal(), eventsUnanswered);
                    nextProgress += config.progressEvery().toNanos();
                }
            }
            long drainUntil = System.nanoTime() + DRAIN_NANOS;
            while (http.inFlight() > 0 && System.nanoTime() < drainUntil) {
                http.poll(50);
            }
            // Counted as unanswered, so that the truth says how far it can be trusted.
            http.abandonInFlight("no answer within " + DRAIN_NANOS / 1_000_000_000 + " s of the end of the run");
        } finally {
            client = null;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        TrafficReport report = new TrafficReport(elapsed, requests, eventsSent, eventsStored, new TreeMap<>(rejected), eventsUnanswered,
                maxBehind / 1_000_000, truth);
        LOG.info("Traffic done: {}", report.summary());
        return report;
    }

    private void send(KeepAliveClient http, Hit hit) {
        long nowMillis = System.currentTimeMillis();
        byte[] request = encoder.encode(hit, siteKeys.get(hit.site().id()), nowMillis);
        requests++;
        eventsSent += hit.events().size();
        http.send(request, new Sent(hit, Instant.ofEpochMilli(nowMillis), System.nanoTime()));
    }

    private long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    private record Sent(Hit hit, Instant at, long nanos) {}

    private final class Answers implements KeepAliveClient.Listener {
        @Override
        public void answered(Object tag, int status, String rejectedHeader, byte[] body) {
            Sent sent = (Sent) tag;
            GatewayAnswer answer = GatewayAnswer.of(sent.hit(), status, rejectedHeader, body);
            for (int index : answer.storedIndexes()) {
                truth.accepted(sent.hit(), sent.hit().events().get(index), sent.at());
                eventsStored++;
            }
            answer.rejected().values().forEach(reason -> {
                if (rejected.merge(reason, 1L, Long::sum) == 1L) {
                    LOG.warn("The gateway refused an event of site {} ({}): {}. Further ones are only counted.", sent.hit().site().id(),
                            sent.hit().transport(), reason);
                }
            });
            observer.answered(sent.hit(), answer, sent.nanos(), System.nanoTime());
        }

        @Override
        public void failed(Object tag, String reason) {
            Sent sent = (Sent) tag;
            int events = sent.hit().events().size();
            truth.uncertain(events);
            if (eventsUnanswered == 0) {
                LOG.warn("A request to {} got no answer: {}. Its events are counted as unanswered.", gateway, reason);
            }
            eventsUnanswered += events;
        }
    }
}
