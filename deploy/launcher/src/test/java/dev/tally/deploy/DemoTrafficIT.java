package dev.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.deploy.cluster.TestCluster;
import dev.tally.deploy.traffic.TrafficConfig;
import dev.tally.deploy.traffic.TrafficGenerator;
import dev.tally.deploy.traffic.TrafficReport;
import dev.tally.deploy.traffic.model.Browsers;
import dev.tally.deploy.traffic.model.TrafficMix;
import dev.tally.deploy.traffic.truth.GroundTruth;
import dev.tally.deploy.traffic.truth.SiteTruth;
import dev.tally.schemas.Topic;
import dev.tally.schemas.avro.TrackedEvent;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The traffic generator against a real gateway (and the rest of a stack) on the shared test cluster,
 * configured as {@code ./tally run --demo} configures it: what the generator counts as stored is what
 * the gateway counted as accepted and what it wrote to the raw events topic, with bots, pixel hits and
 * late batches (some with the site key) among them, and one visitor id per simulated visitor.
 */
class DemoTrafficIT {
    private static final Pattern ACCEPTED = Pattern.compile("tally_gateway_events_accepted_total\\{endpoint=\"(\\w+)\",[^}]*} ([0-9.E]+)");
    private static final Pattern REJECTED = Pattern.compile("tally_gateway_events_rejected_total\\{endpoint=\"(\\w+)\",reason=\"(\\w+)\",[^}]*} ([0-9.E]+)");
    private static LocalStack stack;
    private static String name;

    @BeforeAll
    static void startStack() throws IOException {
        name = TestCluster.uniqueName("traffic");
        StackServices isolated = StackServices.isolated(name, Files.createTempDirectory("tally-aggregator-state"));
        Map<String, String> settings = new HashMap<>(isolated.extraSettings());
        settings.put("gateway.trusted-proxies", DemoTraffic.TRUSTED_LOOPBACK);
        stack = LocalStack.onCluster(TestCluster.shared(), new StackServices(isolated.topicNamespace(), isolated.keyspace(),
                isolated.topicPartitions(), isolated.aggregatorStateDir(), false, settings));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void the_gateway_stores_exactly_what_the_generator_counts_bots_and_late_events_included() throws Exception {
        TrafficMix mix = TrafficMix.defaults(2026, 3).withSiteIdPrefix(name.replace('_', '-') + "-").withShares(0.10, 0.35, 0.08, 0.2);
        TrafficConfig config = TrafficConfig.of(mix, 500, null).withHitLimit(2_000).withConnections(64).withProgressEvery(null);
        TrafficGenerator generator = DemoTraffic.prepare(stack.cassandra(), URI.create(stack.gateway().url()), config);
        stack.gateway().reloadSites();
        generator.awaitSitesReady(Duration.ofSeconds(30));
        String metricsBefore = get(stack.gateway().url() + "/metrics");

        TrafficReport report = generator.run();

        GroundTruth truth = report.truth();
        assertThat(report.requests()).isEqualTo(2_000);
        assertThat(report.eventsRejected()).isEmpty();
        assertThat(report.eventsUnanswered()).isZero();
        assertThat(report.eventsStored()).isEqualTo(report.eventsSent()).isEqualTo(truth.acceptedEvents());
        assertThat(truth.botEvents()).isPositive();
        assertThat(truth.lateEvents()).isPositive();
        assertThat(truth.sites().values()).anyMatch(site -> site.backfilledEvents() > 0);
        assertThat(truth.humanCustomEvents()).isPositive();

        String metrics = get(stack.gateway().url() + "/metrics");
        assertThat(sum(ACCEPTED, metrics, m -> true) - sum(ACCEPTED, metricsBefore, m -> true)).isEqualTo(report.eventsStored());
        assertThat(sum(REJECTED, metrics, m -> true) - sum(REJECTED, metricsBefore, m -> true)).isZero();

        Set<String> siteIds = new HashSet<>(generator.sites().stream().map(site -> site.id()).toList());
        List<TrackedEvent> raw = readRawEvents().stream().filter(e -> siteIds.contains(e.getSiteId())).toList();

        assertThat(raw).hasSize((int) report.eventsStored());
        Map<String, List<TrackedEvent>> bySite = new TreeMap<>();
        raw.forEach(event -> bySite.computeIfAbsent(event.getSiteId(), s -> new ArrayList<>()).add(event));
        assertThat(bySite.keySet()).isEqualTo(truth.sites().keySet());
        Set<String> botAgents = new HashSet<>(Browsers.BOTS);
        for (Map.Entry<String, List<TrackedEvent>> site : bySite.entrySet()) {
            SiteTruth expected = truth.sites().get(site.getKey());
            List<TrackedEvent> humans = site.getValue().stream().filter(e -> !botAgents.contains(e.getUserAgent())).toList();
            assertThat(site.getValue().size() - humans.size()).as("bot events of %s", site.getKey()).isEqualTo(expected.botEvents());
            assertThat(humans.stream().filter(e -> e.getName().equals("pageview")).count()).isEqualTo(expected.pageviews());
            assertThat(humans.stream().filter(e -> !e.getName().equals("pageview")).count()).isEqualTo(expected.customEvents());
            assertThat(humans.stream().filter(e -> e.getClientTime() != null).count()).as("late events").isEqualTo(expected.lateEvents());
            // Cookieless ids come from address and user agent: one id per simulated visitor means the
            // gateway believed the generator's X-Forwarded-For.
            Map<LocalDate, Set<String>> visitorIds = new TreeMap<>();
            humans.forEach(e -> visitorIds.computeIfAbsent(LocalDate.ofInstant(e.getReceivedAt(), ZoneOffset.UTC), d -> new HashSet<>())
                    .add(e.getVisitorId()));
            Map<LocalDate, Integer> visitors = new TreeMap<>();
            visitorIds.forEach((day, ids) -> visitors.put(day, ids.size()));
            assertThat(visitors).as("visitors of %s", site.getKey()).isEqualTo(expected.visitorsByDay());
            BigDecimal purchases = humans.stream().filter(e -> e.getName().equals("purchase"))
                    .map(e -> BigDecimal.valueOf(e.getValue())).reduce(BigDecimal.ZERO, BigDecimal::add);
            SiteTruth.EventTruth expectedPurchases = expected.events().get("purchase");
            assertThat(purchases).isEqualByComparingTo(expectedPurchases == null ? BigDecimal.ZERO
                    : BigDecimal.valueOf(expectedPurchases.valueSumCents(), 2));
        }
    }

    @Test
    void demo_traffic_runs_in_the_background_from_registration_until_closed() throws Exception {
        TrafficMix mix = TrafficMix.defaults(7, 2).withSiteIdPrefix(name.replace('_', '-') + "-bg-");
        long before = sum(ACCEPTED, get(stack.gateway().url() + "/metrics"), m -> true);

        DemoTraffic traffic = DemoTraffic.start(stack.cassandra(), URI.create(stack.gateway().url()), TrafficConfig.of(mix, 50, null));
        List<String> ids = traffic.sites().stream().map(site -> site.id()).toList();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> sum(ACCEPTED, get(stack.gateway().url() + "/metrics"), m -> true) - before >= 50);
        traffic.close();

        long afterClose = sum(ACCEPTED, get(stack.gateway().url() + "/metrics"), m -> true);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> sum(ACCEPTED, get(stack.gateway().url() + "/metrics"), m -> true) == afterClose);
        assertThat(ids).containsExactly(name.replace('_', '-') + "-bg-shop.example", name.replace('_', '-') + "-bg-blog.example");
    }

    /** Everything in the raw events topic so far: a consumer reads until a poll brings nothing more. */
    private List<TrackedEvent> readRawEvents() {
        Topic<String, TrackedEvent> topic = stack.topics().rawEvents();
        try (KafkaConsumer<String, TrackedEvent> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.cluster().kafka().bootstrapServers()),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<TrackedEvent> events = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, TrackedEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    events.add(record.value());
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
            return events;
        }
    }

    private static long sum(Pattern pattern, String metrics, java.util.function.Predicate<Matcher> include) {
        Matcher matcher = pattern.matcher(metrics);
        long total = 0;
        while (matcher.find()) {
            if (include.test(matcher)) {
                total += (long) Double.parseDouble(matcher.group(matcher.groupCount()));
            }
        }
        return total;
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
