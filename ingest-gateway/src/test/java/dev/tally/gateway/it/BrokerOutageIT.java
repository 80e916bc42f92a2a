package dev.tally.gateway.it;

import static dev.tally.gateway.it.GatewayFixture.pixel;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.deploy.cluster.CassandraNode;
import dev.tally.deploy.cluster.KafkaNode;
import dev.tally.deploy.cluster.KafkaSettings;
import dev.tally.deploy.cluster.TestCluster;
import dev.tally.gateway.it.GatewayFixture.ReadEvent;
import dev.tally.store.IdentityMode;
import dev.tally.store.Site;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker stops while browsers keep sending, then comes back. The gateway must never acknowledge
 * an event it could not store: while Kafka is away it answers 503 ({@code Retry-After} on the events
 * API, {@code X-Tally-Rejected: unavailable} on the pixel) and {@code /readyz} says 503; once Kafka is
 * back, every event that got a 2xx is in the topic, once.
 *
 * <p>A broker of its own (this test stops it) in a temporary directory on free ports, restarted on the
 * same directory and ports; Cassandra from the shared test cluster. Each request carries a unique
 * sequence number ({@code p.seq} on the pixel, {@code props.seq} on the events API).
 */
class BrokerOutageIT {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerOutageIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BROKER_START = Duration.ofSeconds(40);
    private static final int BATCH_SIZE = 10;
    private static final Duration BATCH_ANSWER_LIMIT = Duration.ofSeconds(5);

    private static CassandraNode cassandra;

    @TempDir
    Path brokerDir;

    @BeforeAll
    static void sharedCassandra() {
        cassandra = TestCluster.shared().cassandra();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void every_event_acknowledged_around_a_broker_outage_is_in_kafka_and_none_is_acknowledged_while_it_is_down() {
        Phases phases = new Phases();
        KafkaSettings brokerSettings = KafkaSettings.onFreePorts(brokerDir);
        // The broker starts while the fixture applies the Cassandra schema: both take seconds.
        CompletableFuture<KafkaNode> firstStart = CompletableFuture.supplyAsync(() -> KafkaNode.start(brokerSettings, BROKER_START));
        KafkaNode broker = null;
        try (GatewayFixture gateway = GatewayFixture.start(() -> firstStart.join().bootstrapServers(), cassandra, Map.of());
             Traffic traffic = new Traffic(gateway, gateway.registerSite("outage_", IdentityMode.COOKIELESS, "shop.example.com"))) {
            broker = firstStart.join();
            awaitReady(gateway, 200, Duration.ofSeconds(20));
            phases.done("broker and gateway up");
            traffic.start();
            traffic.awaitAnswers("2xx on both endpoints before the outage", Duration.ofSeconds(20),
                    a -> a.via() == Via.PIXEL && a.status() == 200, a -> a.via() == Via.API && a.status() == 202);

            broker.close();
            phases.done("broker stopped after request #" + traffic.lastSent());
            awaitReady(gateway, 503, Duration.ofSeconds(20));
            traffic.awaitAnswers("503 on both endpoints during the outage", Duration.ofSeconds(45),
                    a -> a.via() == Via.PIXEL && a.status() == 503, a -> a.via() == Via.API && a.status() == 503);
            phases.done("/readyz and both endpoints answer 503");
            CompletableFuture<Duration> batchAnswered = traffic.sendBatch(BATCH_SIZE);
            boolean batchAnsweredWhileDown = answeredWithin(batchAnswered, BATCH_ANSWER_LIMIT);
            phases.done("batch sent" + (batchAnsweredWhileDown ? " and answered" : ", no answer yet"));

            broker = KafkaNode.start(brokerSettings, BROKER_START);
            int firstAfterRestart = traffic.lastSent() + 1;
            phases.done("broker restarted");
            awaitReady(gateway, 200, Duration.ofSeconds(30));
            traffic.awaitAnswers("2xx on both endpoints after the restart", Duration.ofSeconds(30),
                    a -> a.seq() >= firstAfterRestart && a.via() == Via.PIXEL && a.status() == 200,
                    a -> a.seq() >= firstAfterRestart && a.via() == Via.API && a.status() == 202);
            traffic.stopAndAwaitAnswers(Duration.ofSeconds(40));
            phases.done("recovered, every request answered");

            List<ReadEvent> stored = gateway.openEventLog().readToEnd();
            phases.done("topic read");
            assertEveryAcknowledgedEventStoredOnce(traffic, stored, batchAnswered.join(), batchAnsweredWhileDown);
        } finally {
            if (broker != null) {
                broker.close();
            } else {
                firstStart.handle((node, failure) -> {
                    if (node != null) {
                        node.close();
                    }
                    return null;
                }).join();
            }
            phases.done("stopped");
        }
    }

    /** Logs how long each step took: the whole test must stay well under its 90 s timeout. */
    private static final class Phases {
        private final long started = System.nanoTime();

        void done(String phase) {
            LOG.info("{} s: {}", String.format(Locale.ROOT, "%5.1f", (System.nanoTime() - started) / 1e9), phase);
        }
    }

    private static void awaitReady(GatewayFixture gateway, int status, Duration deadline) {
        await("/readyz " + status).atMost(deadline).pollInterval(Duration.ofMillis(100))
                .until(gateway::readyStatus, s -> s == status);
    }

    /** Whether the request is answered within {@code limit}; it may still be answered later. */
    private static boolean answeredWithin(CompletableFuture<Duration> answered, Duration limit) {
        try {
            answered.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertEveryAcknowledgedEventStoredOnce(Traffic traffic, List<ReadEvent> stored, Duration batchAnswer,
                                                               boolean batchAnsweredWhileDown) {
        Map<Integer, Long> copies = new TreeMap<>();
        Map<Integer, String> storedVia = new TreeMap<>();
        Set<ReadEvent> withoutSeq = new HashSet<>();
        for (ReadEvent read : stored) {
            String seq = read.event().getProps().get("seq");
            if (seq == null) {
                withoutSeq.add(read);
                continue;
            }
            copies.merge(Integer.parseInt(seq), 1L, Long::sum);
            storedVia.put(Integer.parseInt(seq), read.event().getProps().get("via"));
        }
        Map<Integer, Answer> answers = new TreeMap<>(traffic.answers);
        Set<Integer> acknowledged = answers.values().stream().filter(Answer::acknowledged).map(Answer::seq)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<Integer> unavailable = answers.values().stream().filter(a -> a.status() == 503).map(Answer::seq)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<Integer> missing = new TreeSet<>(acknowledged);
        missing.removeAll(copies.keySet());
        Map<Integer, Long> duplicates = copies.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        Set<Integer> neverSent = new TreeSet<>(copies.keySet());
        neverSent.removeAll(traffic.sent.keySet());
        Set<Integer> refusedButStored = answers.values().stream().filter(a -> !a.acknowledged()).map(Answer::seq)
                .filter(copies::containsKey).collect(Collectors.toCollection(TreeSet::new));
        LOG.info("Sent {}, answered 2xx {}, 503 {}; stored {} records of {} distinct events; missing {}, duplicated {},"
                        + " not acknowledged but stored anyway {} (the client retries those: at least once);"
                        + " a batch of {} sent during the outage was answered after {} ms",
                traffic.sent.size(), acknowledged.size(), unavailable.size(), stored.size(), copies.size(), missing,
                duplicates, refusedButStored, BATCH_SIZE, batchAnswer.toMillis());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(traffic.errors).as("requests without an answer").isEmpty();
        softly.assertThat(answers.values()).as("answers other than 200 (pixel), 202 (API) or 503")
                .filteredOn(a -> !a.acknowledged() && a.status() != 503).isEmpty();
        softly.assertThat(answers.values()).as("503s of the events API without Retry-After or with a wrong body")
                .filteredOn(a -> a.via() == Via.API && a.status() == 503)
                .filteredOn(a -> !"5".equals(a.retryAfter()) || !a.body().contains("\"error\":\"unavailable\"")
                        || !a.body().contains("\"stored\":["))
                .isEmpty();
        softly.assertThat(answers.values()).as("503s of the pixel without X-Tally-Rejected: unavailable")
                .filteredOn(a -> a.via() == Via.PIXEL && a.status() == 503)
                .filteredOn(a -> !"unavailable".equals(a.rejected()))
                .isEmpty();
        softly.assertThat(acknowledged).as("acknowledged events").hasSizeGreaterThan(10);
        softly.assertThat(missing).as("events answered 2xx but absent from the topic").isEmpty();
        softly.assertThat(duplicates).as("events stored more than once (seq -> copies)").isEmpty();
        softly.assertThat(neverSent).as("stored events nobody sent").isEmpty();
        softly.assertThat(withoutSeq).as("stored events without a seq").isEmpty();
        softly.assertThat(storedVia.entrySet()).as("stored events whose endpoint differs from the one used")
                .filteredOn(e -> !e.getValue().equals(traffic.sent.get(e.getKey()).label)).isEmpty();
        // One event is refused within max.block.ms (2 s); a batch must not wait that long once per event.
        softly.assertThat(batchAnsweredWhileDown)
                .as("a batch of %d events sent while Kafka was down answered within %s s (it took %s ms)", BATCH_SIZE,
                        BATCH_ANSWER_LIMIT.toSeconds(), batchAnswer.toMillis())
                .isTrue();
        softly.assertAll();
    }

    enum Via {
        PIXEL("pixel"),
        API("api");

        final String label;

        Via(String label) {
            this.label = label;
        }
    }

    /**
     * What the gateway answered for event {@code seq}: {@code acknowledged} when the answer says it was
     * stored (pixel 200, events API 202, or listed under {@code stored} in a batch's 503).
     */
    record Answer(int seq, Via via, int status, String retryAfter, String rejected, String body, boolean acknowledged) {}

    /**
     * A browser population: every 100 ms one page view, alternately through the pixel and the events
     * API, each without waiting for earlier answers (requests hang while the producer waits for the
     * broker). Records every answer by sequence number.
     */
    private static final class Traffic implements AutoCloseable {
        private static final long INTERVAL_MS = 100;

        private final GatewayFixture gateway;
        private final Site site;
        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "outage-traffic");
            thread.setDaemon(true);
            return thread;
        });
        private final AtomicInteger nextSeq = new AtomicInteger();
        final Map<Integer, Via> sent = new ConcurrentHashMap<>();
        final Map<Integer, Answer> answers = new ConcurrentHashMap<>();
        final Map<Integer, Throwable> errors = new ConcurrentHashMap<>();
        private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

        Traffic(GatewayFixture gateway, Site site) {
            this.gateway = gateway;
            this.site = site;
        }

        void start() {
            ticker.scheduleAtFixedRate(this::sendOne, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
        }

        int lastSent() {
            return nextSeq.get() - 1;
        }

        private void sendOne() {
            int seq = nextSeq.getAndIncrement();
            Via via = seq % 2 == 0 ? Via.PIXEL : Via.API;
            try {
                String url = "https://shop.example.com/outage/" + seq;
                HttpRequest.Builder request = via == Via.PIXEL
                        ? gateway.request(pixel("site", site.id(), "url", url, "p.seq", Integer.toString(seq), "p.via", via.label)).GET()
                        : gateway.post("application/json", apiEvent(seq));
                sent.put(seq, via);
                CompletableFuture<HttpResponse<byte[]>> answer = gateway.sendAsync(request);
                inFlight.add(answer);
                answer.whenComplete((response, error) -> {
                    if (error != null) {
                        errors.put(seq, error);
                    } else {
                        int ok = via == Via.PIXEL ? 200 : 202;
                        answers.put(seq, answer(seq, via, response, response.statusCode() == ok));
                    }
                    inFlight.remove(answer);
                });
            } catch (RuntimeException e) {
                // A scheduled task that throws is silently never run again; record instead.
                errors.put(seq, e);
            }
        }

        private static Answer answer(int seq, Via via, HttpResponse<byte[]> response, boolean acknowledged) {
            return new Answer(seq, via, response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
                    response.headers().firstValue("X-Tally-Rejected").orElse(null), GatewayFixture.text(response.body()),
                    acknowledged);
        }

        /**
         * One POST of {@code size} events (the Plausible API takes batches); completes with the time the
         * gateway took to answer, once every event's answer is recorded.
         */
        CompletableFuture<Duration> sendBatch(int size) {
            List<Integer> seqs = new ArrayList<>();
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < size; i++) {
                int seq = nextSeq.getAndIncrement();
                seqs.add(seq);
                sent.put(seq, Via.API);
                body.append(i == 0 ? "" : ",").append(apiEvent(seq));
            }
            long started = System.nanoTime();
            CompletableFuture<HttpResponse<byte[]>> answer = gateway.sendAsync(gateway.post("application/json", body + "]"));
            inFlight.add(answer);
            return answer.handle((response, error) -> {
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                if (error != null) {
                    seqs.forEach(seq -> errors.put(seq, error));
                } else {
                    Set<Integer> storedIndexes = storedIndexes(response);
                    for (int i = 0; i < size; i++) {
                        boolean acknowledged = response.statusCode() == 202 || storedIndexes.contains(i);
                        answers.put(seqs.get(i), answer(seqs.get(i), Via.API, response, acknowledged));
                    }
                }
                inFlight.remove(answer);
                return took;
            });
        }

        /** The indexes a 503 lists under {@code stored}: those events were written before Kafka failed. */
        private static Set<Integer> storedIndexes(HttpResponse<byte[]> response) {
            Set<Integer> indexes = new HashSet<>();
            if (response.statusCode() == 503) {
                try {
                    JSON.readTree(response.body()).path("stored").forEach(index -> indexes.add(index.asInt()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return indexes;
        }

        private String apiEvent(int seq) {
            return "{\"n\":\"pageview\",\"u\":\"https://shop.example.com/outage/" + seq + "\",\"d\":\"" + site.id()
                    + "\",\"p\":{\"seq\":\"" + seq + "\",\"via\":\"" + Via.API.label + "\"}}";
        }

        /** Waits until, for each condition, some answer meets it. */
        @SafeVarargs
        final void awaitAnswers(String what, Duration deadline, Predicate<Answer>... conditions) {
            await(what).atMost(deadline).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        for (Predicate<Answer> condition : conditions) {
                            if (answers.values().stream().noneMatch(condition)) {
                                return false;
                            }
                        }
                        return true;
                    });
        }

        void stopAndAwaitAnswers(Duration deadline) {
            ticker.shutdownNow();
            await("answers to every request").atMost(deadline).pollInterval(Duration.ofMillis(50))
                    .until(() -> ticker.isTerminated() && inFlight.isEmpty());
        }

        @Override
        public void close() {
            ticker.shutdownNow();
            inFlight.forEach(request -> request.cancel(true));
        }
    }
}
