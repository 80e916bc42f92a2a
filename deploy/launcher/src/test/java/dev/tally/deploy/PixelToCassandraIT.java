package dev.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.common.RunningService;
import dev.tally.deploy.cluster.TestCluster;
import dev.tally.store.CassandraSessions;
import dev.tally.store.IdentityMode;
import dev.tally.store.RawEventRow;
import dev.tally.store.RawEventTable;
import dev.tally.store.Stripes;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton end to end on the real broker and the real Cassandra: a pixel request over
 * HTTP becomes a raw row in Cassandra with the fields the browser sent, and no IP.
 */
class PixelToCassandraIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    private static LocalStack stack;
    private static CqlSession session;
    private static RawEventTable rawEvents;

    @BeforeAll
    static void startStack() throws IOException {
        String name = TestCluster.uniqueName("pixel");
        Path stateDir = Files.createTempDirectory("tally-aggregator-state");
        stack = LocalStack.onCluster(TestCluster.shared(), StackServices.isolated(name, stateDir));
        session = CassandraSessions.open(stack.cassandra(), "pixel-it");
        rawEvents = new RawEventTable(session, stack.cassandra().keyspace(), new Stripes(stack.cassandra().rawStripes()),
                stack.cassandra().consistency());
    }

    @AfterAll
    static void stopStack() {
        if (session != null) {
            session.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("User-Agent", USER_AGENT)
                .header("Accept-Language", "fr-CH,fr;q=0.9")
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void a_pixel_hit_is_answered_with_the_gif_and_stored_as_a_raw_row() throws Exception {
        String site = TestCluster.uniqueName("site").replace('_', '-');
        stack.registerSite(site, Set.of("shop.example.com"), IdentityMode.COOKIELESS);
        String page = "https://shop.example.com/pricing?plan=pro&utm_source=newsletter";
        Instant before = Instant.now();

        HttpResponse<byte[]> response = get(stack.gateway().url() + "/a.gif?site=" + site + "&url=" + encode(page)
                + "&ref=" + encode("https://search.example.org/?q=tally") + "&title=" + encode("Prices & plans <b>") + "&w=1280");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache, no-store, must-revalidate");
        assertThat(response.body()).hasSize(43).startsWith('G', 'I', 'F', '8', '9', 'a');

        List<RawEventRow> rows = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> rawEvents.latest(site, Stripes.dayOf(Instant.now()), 10), r -> !r.isEmpty());
        assertThat(rows).hasSize(1);
        RawEventRow row = rows.get(0);
        assertThat(row.siteId()).isEqualTo(site);
        assertThat(row.type()).isEqualTo("pageview");
        assertThat(row.name()).isEqualTo("pageview");
        // Query parameters are dropped from stored URLs, except utm_*.
        assertThat(row.url()).isEqualTo("https://shop.example.com/pricing?utm_source=newsletter");
        assertThat(row.screenWidth()).isEqualTo(1280);
        // Referrers are cleaned like page URLs: their query strings carry search terms and tokens.
        assertThat(row.referrer()).isEqualTo("https://search.example.org/");
        assertThat(row.title()).isEqualTo("Prices & plans <b>");
        assertThat(row.language()).isEqualTo("fr-CH");
        assertThat(row.userAgent()).isEqualTo(USER_AGENT);
        assertThat(row.visitorId()).matches("[0-9a-f]{32}");
        assertThat(row.clientIp()).isNull();
        assertThat(row.eventTime()).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(row.day()).isEqualTo(Stripes.dayOf(row.eventTime()));
        assertThat((int) row.stripe()).isBetween(0, stack.cassandra().rawStripes() - 1);
        assertThat(row.clientTime()).isNull();
        assertThat(row.props()).isEmpty();
    }

    @Test
    void a_bad_pixel_hit_still_gets_the_gif_with_a_reason_and_is_counted() throws Exception {
        String site = TestCluster.uniqueName("bad").replace('_', '-');
        stack.registerSite(site, Set.of("shop.example.com"), IdentityMode.COOKIELESS);

        HttpResponse<byte[]> response = get(stack.gateway().url() + "/a.gif?site=" + site);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(response.headers().firstValue("X-Tally-Rejected")).hasValue("missing_url");
        assertThat(response.body()).hasSize(43);
        String metrics = new String(get(stack.gateway().url() + "/metrics").body(), StandardCharsets.UTF_8);
        assertThat(metrics).containsPattern("tally_gateway_events_rejected_total\\{endpoint=\"pixel\",reason=\"missing_url\",service=\"ingest-gateway\"} [1-9]");
        assertThat(rawEvents.latest(site, Stripes.dayOf(Instant.now()), 10)).isEmpty();
    }

    @Test
    void every_service_answers_health_readiness_and_metrics() {
        for (RunningService service : stack.services()) {
            String base = service.endpoints().getOrDefault("http", service.endpoints().get("admin"));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(get(base + "/healthz").statusCode()).as(service.name() + " /healthz").isEqualTo(200);
                assertThat(get(base + "/readyz").statusCode()).as(service.name() + " /readyz").isEqualTo(200);
                HttpResponse<byte[]> metrics = get(base + "/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(new String(metrics.body(), StandardCharsets.UTF_8)).contains("service=\"" + service.name() + "\"");
            });
        }
    }
}
