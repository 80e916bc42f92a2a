package dev.tally.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.deploy.cluster.TopicReadiness;
import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.deploy.cluster.TestCluster;
import dev.tally.gateway.GatewayApp;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.TrackedEvent;
import dev.tally.store.IdentityMode;
import dev.tally.store.SchemaMigrator;
import dev.tally.store.Site;
import dev.tally.store.SiteTable;
import dev.tally.testsupport.HeadlessChromium;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The tracker in a real browser, end to end: headless Chromium opens a page on
 * {@code http://localhost:<port>} that embeds the tag of a gateway on {@code http://127.0.0.1:<port>}
 * (another origin, another site), navigates with pushState and back, and sends a custom event. The
 * gateway runs in this JVM against the shared test cluster; the test reads what it published to
 * {@code <namespace>.events.raw} (key {@code siteId|visitorId}, value Avro {@code TrackedEvent}).
 */
class TrackerBrowserIT {
    private static final Duration ARRIVAL = Duration.ofSeconds(20);
    /** Longer than the tracker's 2 s retry after a 503, and its pixel fallback comes sooner still. */
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final Path SCREENSHOT = Path.of("target", "browser", "tracker-page.png");

    private static String siteId;
    private static Topic<String, TrackedEvent> rawEvents;
    private static GatewayApp gateway;
    private static PageServer pages;
    private static KafkaConsumer<String, TrackedEvent> consumer;
    private static final List<TrackedEvent> arrived = new ArrayList<>();

    @BeforeAll
    static void startGatewayAndPage() throws Exception {
        LocalCluster cluster = TestCluster.shared();
        String namespace = TestCluster.uniqueName("browser_");
        String keyspace = TestCluster.uniqueName("browser_");
        siteId = TestCluster.uniqueName("shop_").replace('_', '-');
        rawEvents = TopicCatalogue.forNamespace(namespace).rawEvents();
        String bootstrap = cluster.kafka().bootstrapServers();

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(rawEvents.toNewTopic((short) 1))).all().get(30, TimeUnit.SECONDS);
            TopicReadiness.awaitLeaders(admin, List.of(rawEvents.name()), Duration.ofSeconds(60));
        }
        try (CqlSession session = cluster.cassandra().sessionBuilder()
                .withConfigLoader(TestCluster.testDriverConfig().build()).build()) {
            new SchemaMigrator(session, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}").migrate();
            // The page's host; the gateway's own host (127.0.0.1) is deliberately not allowed.
            new SiteTable(session, keyspace, ConsistencyLevel.ONE).save(
                    new Site(siteId, Set.of("localhost"), ZoneId.of("UTC"), IdentityMode.COOKIELESS, 30, null));
        }

        InetSocketAddress cql = cluster.cassandra().cqlAddress();
        gateway = GatewayApp.start(GatewayConfig.load(Map.of(
                "gateway.http.host", "127.0.0.1",
                "gateway.http.port", "0",
                "kafka.bootstrap-servers", bootstrap,
                "topics.namespace", namespace,
                "cassandra.contact-points", cql.getHostString() + ":" + cql.getPort(),
                "cassandra.local-datacenter", cluster.cassandra().localDatacenter(),
                "cassandra.keyspace", keyspace,
                "gateway.sites.refresh-interval", "200ms")));
        pages = PageServer.start(siteId, gateway.url());

        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                rawEvents.keySerde().deserializer(), rawEvents.valueSerde().deserializer());
        List<TopicPartition> partitions = IntStream.range(0, rawEvents.defaultPartitions())
                .mapToObj(partition -> new TopicPartition(rawEvents.name(), partition))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    @AfterAll
    static void stopAll() {
        if (consumer != null) {
            consumer.close();
        }
        if (pages != null) {
            pages.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void page_views_of_a_single_page_app_and_a_custom_event_arrive_once_each_with_the_browsers_fields() throws Exception {
        String firstUrl = pages.origin() + "/shop/?utm_source=newsletter&session=s3cr3t";
        // The gateway keeps utm_* parameters only: session ids have no business in analytics storage.
        String firstUrlStored = pages.origin() + "/shop/?utm_source=newsletter";
        String pricingUrl = pages.origin() + "/pricing";
        String userAgent;
        long innerWidth;

        try (HeadlessChromium chromium = HeadlessChromium.start("de-CH,de;q=0.9,en;q=0.8", 1280, 800)) {
            ChromeDriver browser = chromium.driver();

            browser.get(firstUrl);
            await().pollInSameThread().atMost(ARRIVAL).until(() -> "loaded".equals(browser.executeScript(
                    "return window.tally && window.tally.track ? 'loaded' : 'missing'")));
            userAgent = (String) browser.executeScript("return navigator.userAgent");
            innerWidth = (Long) browser.executeScript("return innerWidth");
            chromium.screenshot(SCREENSHOT);
            awaitArrivals(1);

            browser.findElement(By.id("to-pricing")).click();
            assertThat(browser.getCurrentUrl()).isEqualTo(pricingUrl);
            awaitArrivals(2);

            browser.findElement(By.id("back")).click();
            await().pollInSameThread().atMost(ARRIVAL).until(() -> firstUrl.equals(browser.getCurrentUrl()));
            awaitArrivals(3);

            browser.findElement(By.id("signup")).click();
            awaitArrivals(4);

            // Nothing more comes while the page is still open: no event was sent twice (a fetch after
            // a queued beacon, the pixel fallback, a retry).
            await().pollInSameThread().during(QUIET).atMost(QUIET.plusSeconds(2)).untilAsserted(() -> {
                poll();
                assertThat(arrived).hasSize(4);
            });
            assertThat(chromium.console()).as("browser console").isEmpty();
        }

        TrackedEvent landing = arrived.get(0);
        TrackedEvent pricing = arrived.get(1);
        TrackedEvent backAgain = arrived.get(2);
        TrackedEvent signup = arrived.get(3);

        assertThat(List.of(landing, pricing, backAgain)).allSatisfy(view -> {
            assertThat(view.getType()).isEqualTo(EventType.PAGEVIEW);
            assertThat(view.getName()).isEqualTo("pageview");
            assertThat(view.getValue()).isNull();
            assertThat(view.getProps()).isEmpty();
        });
        assertThat(landing.getUrl()).isEqualTo(firstUrlStored);
        assertThat(landing.getTitle()).isEqualTo("Tally test shop");
        assertThat(pricing.getUrl()).isEqualTo(pricingUrl);
        assertThat(pricing.getTitle()).isEqualTo("Pricing - Tally test shop");
        assertThat(backAgain.getUrl()).isEqualTo(firstUrlStored);
        assertThat(backAgain.getTitle()).isEqualTo("Tally test shop");

        assertThat(signup.getType()).isEqualTo(EventType.CUSTOM);
        assertThat(signup.getName()).isEqualTo("signup");
        assertThat(signup.getValue()).isEqualTo(49.5);
        assertThat(signup.getCurrency()).isNull();
        assertThat(signup.getProps()).containsExactly(Map.entry("plan", "pro"));
        assertThat(signup.getUrl()).isEqualTo(firstUrlStored);
        assertThat(signup.getTitle()).isEqualTo("Tally test shop");

        String visitorId = landing.getVisitorId();
        assertThat(visitorId).matches("[0-9a-f]{32}");
        assertThat(userAgent).contains("Chrome/");
        assertThat(arrived).allSatisfy(event -> {
            assertThat(event.getSiteId()).isEqualTo(siteId);
            assertThat(event.getVisitorId()).isEqualTo(visitorId);
            assertThat(event.getReferrer()).as("referrer of a page opened directly").isNull();
            assertThat(event.getUserAgent()).isEqualTo(userAgent);
            assertThat(event.getLanguage()).isEqualTo("de-CH");
            assertThat(event.getScreenWidth()).isEqualTo((int) innerWidth).isPositive();
            assertThat(event.getClientIp()).isNull();
            assertThat(event.getNewVisitor()).as("unknown in cookieless mode").isNull();
        });
        assertThat(arrived).extracting(TrackedEvent::getEventId).doesNotHaveDuplicates();
    }

    private static void awaitArrivals(int count) {
        await().pollInSameThread().atMost(ARRIVAL).untilAsserted(() -> {
            poll();
            assertThat(arrived).hasSizeGreaterThanOrEqualTo(count);
        });
        assertThat(arrived).as("events so far").hasSize(count);
    }

    private static void poll() {
        for (ConsumerRecord<String, TrackedEvent> record : consumer.poll(Duration.ofMillis(100))) {
            arrived.add(record.value());
        }
    }
}
