package dev.tally.bench.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures freshness: a page view of a dedicated probe site at a steady trickle, each on a page of its
 * own ({@code /probe-<n>}), sent as a pixel request like a browser's; the time of the gateway's 2xx is
 * taken. A second thread asks the query API, every poll interval, for the probe site's pages with page
 * views over a few minutes around the outstanding probes (the minute tier: the range is shorter than an
 * hour) and notes, for each probe, the first answer that counts it. Freshness = that answer's arrival
 * minus the 2xx, so it includes the query API's own latency and is resolved to one poll interval.
 *
 * <p>{@link ProbeStages} times the same probes at the two Kafka topics on the way, so each probe's
 * freshness is also split by stage ({@link Freshness.Stage}).
 *
 * <p>One page per probe makes the check exact without assuming anything about ordering between
 * partitions or minutes. A probe not counted within the timeout is recorded as such ({@link Freshness#notSeen()}).
 */
final class FreshnessProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FreshnessProbe.class);
    static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

    private record Probe(int number, long sentMillis, long ackNanos, Freshness collector) {}

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final String gatewayUrl;
    private final QueryClient query;
    private final String site;
    private final String host;
    private final String key;
    private final Duration interval;
    private final Duration pollInterval;
    private final Duration timeout;
    private final ProbeStages stages;
    private final Map<Integer, Probe> outstanding = new ConcurrentSkipListMap<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Set<LocalDate> days = ConcurrentHashMap.newKeySet();
    private volatile Freshness collector;
    private volatile boolean stopping;
    private volatile boolean sending = true;
    private Thread sender;
    private Thread poller;

    FreshnessProbe(String gatewayUrl, QueryClient query, String site, String host, String key, Duration interval, Duration pollInterval,
                   Duration timeout, ProbeStages stages) {
        this.stages = stages;
        this.gatewayUrl = gatewayUrl;
        this.query = query;
        this.site = site;
        this.host = host;
        this.key = key;
        this.interval = interval;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
        this.collector = new Freshness(timeout.toMillis());
    }

    /**
     * The range the query API is asked about: from the minute before the oldest outstanding probe was
     * sent to two minutes after now, in whole minutes (the API's rule). Probes are dropped after the
     * timeout, so with a timeout below 55 minutes the range stays shorter than an hour and is answered
     * from the minute tier alone.
     */
    static Instant[] window(long oldestSentMillis, long nowMillis) {
        Instant from = Instant.ofEpochMilli(oldestSentMillis).truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES);
        Instant to = Instant.ofEpochMilli(nowMillis).truncatedTo(ChronoUnit.MINUTES).plus(2, ChronoUnit.MINUTES);
        return new Instant[] {from, to};
    }

    static final String PATH_PREFIX = "/probe-";

    static String path(int number) {
        return PATH_PREFIX + number;
    }

    void start() {
        sender = new Thread(this::sendLoop, "e2e-probe-send");
        poller = new Thread(this::pollLoop, "e2e-probe-poll");
        sender.setDaemon(true);
        poller.setDaemon(true);
        sender.start();
        poller.start();
    }

    /** From now on, probes acknowledged go into a new collector, which is returned. */
    Freshness newPeriod() {
        Freshness fresh = new Freshness(timeout.toMillis());
        collector = fresh;
        return fresh;
    }

    /** Probes the gateway acknowledged: all must be counted by the end (part of the ground truth). */
    long acknowledged() {
        return acknowledged.get();
    }

    /**
     * Visitors the probe site must show: its one browser is a new visitor on each UTC day (cookieless ids
     * change with the daily salt), so a run across midnight has two.
     */
    int visitors() {
        return days.size();
    }

    long failed() {
        return failed.get();
    }

    private void sendLoop() {
        long next = System.nanoTime();
        int number = 0;
        while (!stopping && sending) {
            number++;
            long sentMillis = System.currentTimeMillis();
            String url = "https://" + host + path(number);
            HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl + "/a.gif?site=" + encode(site) + "&url=" + encode(url)
                            + "&title=Probe"))
                    .timeout(Duration.ofSeconds(30)).header("User-Agent", USER_AGENT).GET().build();
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                long ack = System.nanoTime();
                if (response.statusCode() / 100 == 2 && response.headers().firstValue("X-Tally-Rejected").isEmpty()) {
                    acknowledged.incrementAndGet();
                    days.add(LocalDate.ofInstant(Instant.ofEpochMilli(sentMillis), ZoneOffset.UTC));
                    days.add(LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC));
                    outstanding.put(number, new Probe(number, sentMillis, ack, collector));
                } else {
                    failed.incrementAndGet();
                }
            } catch (IOException e) {
                failed.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
            next += interval.toNanos();
            if (!sleepUntil(next)) {
                return;
            }
        }
    }

    private void pollLoop() {
        long next = System.nanoTime();
        while (!stopping) {
            if (!outstanding.isEmpty()) {
                poll();
            }
            next += pollInterval.toNanos();
            if (!sleepUntil(next)) {
                return;
            }
        }
    }

    private void poll() {
        long oldest = outstanding.values().stream().mapToLong(Probe::sentMillis).min().orElse(System.currentTimeMillis());
        Instant[] range = window(oldest, System.currentTimeMillis());
        Set<String> counted;
        try {
            counted = query.pagesWithViews(site, key, range[0], range[1]);
        } catch (IOException e) {
            LOG.debug("Probe poll failed: {}", e.toString());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long now = System.nanoTime();
        for (Probe probe : outstanding.values()) {
            if (counted.contains(path(probe.number()))) {
                probe.collector().seen((now - probe.ackNanos()) / 1_000_000, sinceAck(probe, stages.enrichedNanos(probe.number())),
                        sinceAck(probe, stages.rollupNanos(probe.number())));
                resolved(probe);
            } else if (now - probe.ackNanos() > timeout.toNanos()) {
                probe.collector().notSeen();
                resolved(probe);
            }
        }
    }

    private void resolved(Probe probe) {
        outstanding.remove(probe.number());
        stages.forget(probe.number());
    }

    /**
     * Milliseconds from the probe's 2xx to a stage. A sighting before the 2xx (the answer travels back
     * while the aggregator already works) counts as 0.
     */
    private static OptionalLong sinceAck(Probe probe, OptionalLong stageNanos) {
        return stageNanos.isPresent() ? OptionalLong.of(Math.max(0, stageNanos.getAsLong() - probe.ackNanos()) / 1_000_000)
                : OptionalLong.empty();
    }

    /** Sleeps until {@code nanoTime} reaches {@code deadline}; false if interrupted. A pacing loop, not a wait for a condition. */
    private static boolean sleepUntil(long deadline) {
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
            return true;
        }
        try {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /**
     * Stops sending and waits until every probe sent is either counted or past the timeout, so the last
     * step's probes are all in its numbers; whatever is still open after {@code limit} counts as not seen.
     */
    void finish(Duration limit) throws InterruptedException {
        sending = false;
        long deadline = System.nanoTime() + limit.toNanos();
        // Let the request in flight get its answer: interrupting it could store a probe never counted as acknowledged.
        sender.join(Math.max(1, limit.toMillis()));
        while (!outstanding.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(pollInterval.toMillis()); // the poller thread resolves them; nothing to wait on here
        }
        for (Probe probe : outstanding.values()) {
            probe.collector().notSeen();
            resolved(probe);
        }
    }

    @Override
    public void close() {
        stopping = true;
        if (sender != null) {
            sender.interrupt();
            poller.interrupt();
        }
    }
}
