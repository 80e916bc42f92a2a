package dev.tally.query.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.deploy.cluster.TestCluster;
import dev.tally.query.QueryApp;
import dev.tally.query.answer.Dimension;
import dev.tally.query.testdata.CassandraFixtureWriter;
import dev.tally.query.testdata.RollupFixture;
import dev.tally.query.testdata.TestEvent;
import dev.tally.store.IdentityMode;
import dev.tally.store.SchemaMigrator;
import dev.tally.store.Site;
import dev.tally.store.SiteTable;
import dev.tally.store.Stripes;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The query API over HTTP against the real Cassandra: rollup rows and raw events written from a known
 * event set (as the sink would write them), answers compared with the ground truth of that set. The site
 * lives in Asia/Kolkata (UTC+05:30), so its days are composed from hours and half-hour minute edges.
 */
class QueryApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ZoneId ZONE = ZoneId.of("Asia/Kolkata");
    /** 15:32:30 in Kolkata on 22 November. */
    private static final Instant NOW = Instant.parse("2026-11-22T10:02:30Z");
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 22);
    private static final List<String> PAGES = List.of("/", "/pricing", "/docs", "/blog/<b>hi</b>");

    private static String siteId;
    private static String otherSiteId;
    private static final String KEY = Site.newKey();
    private static final String OTHER_KEY = Site.newKey();
    private static final int OTHER_STRIPES = 32;
    private static RollupFixture fixture;
    private static RollupFixture otherFixture;
    private static QueryApp app;

    @BeforeAll
    static void writeDataAndStart() {
        LocalCluster cluster = TestCluster.shared();
        String keyspace = TestCluster.uniqueName("query_");
        siteId = TestCluster.uniqueName("shop_").replace('_', '-');
        otherSiteId = TestCluster.uniqueName("other_").replace('_', '-');
        fixture = new RollupFixture(events(new Random(7), TODAY.minusDays(3).atStartOfDay(ZONE).toInstant(), NOW, PAGES, 1_500));
        otherFixture = new RollupFixture(events(new Random(8), TODAY.minusDays(3).atStartOfDay(ZONE).toInstant(), NOW, List.of("/secret"), 300));
        try (CqlSession session = cluster.cassandra().sessionBuilder().withConfigLoader(TestCluster.testDriverConfig().build()).build()) {
            new SchemaMigrator(session, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}").migrate();
            SiteTable sites = new SiteTable(session, keyspace, ConsistencyLevel.ONE);
            sites.save(new Site(siteId, Set.of("example.com"), ZONE, IdentityMode.COOKIELESS, 30, Site.hashKey(KEY)));
            sites.save(new Site(otherSiteId, Set.of("other.example"), ZoneOffset.UTC, IdentityMode.COOKIELESS, 30, Site.hashKey(OTHER_KEY)));
            CassandraFixtureWriter writer = new CassandraFixtureWriter(session, keyspace, new Stripes(8));
            writer.writeRollups(siteId, fixture);
            writer.writeRollups(otherSiteId, otherFixture);
            writer.writeRawEvents(siteId, fixture);
            // The other site has stripes of its own (sites.raw_stripes), as the sink would write them.
            sites.saveRawStripes(otherSiteId, OTHER_STRIPES);
            new CassandraFixtureWriter(session, keyspace, new Stripes(OTHER_STRIPES)).writeRawEvents(otherSiteId, otherFixture);
        }
        app = QueryFixture.start(cluster, keyspace, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static List<TestEvent> events(Random random, Instant from, Instant to, List<String> pages, int count) {
        List<TestEvent> events = new ArrayList<>();
        long span = to.toEpochMilli() - from.toEpochMilli();
        for (int i = 0; i < count; i++) {
            Instant time = Instant.ofEpochMilli(from.toEpochMilli() + (long) (random.nextDouble() * span));
            String visitor = "visitor-" + random.nextInt(400);
            String page = pages.get(random.nextInt(pages.size()));
            TestEvent.Builder event = random.nextInt(6) == 0
                    ? TestEvent.custom(time, visitor, page, random.nextBoolean() ? "signup" : "purchase", (double) random.nextInt(100))
                    : TestEvent.pageview(time, visitor, page);
            event.with(Dimension.BROWSER, random.nextBoolean() ? "Firefox" : "Chrome")
                    .with(Dimension.REFERRER_HOST, random.nextInt(3) == 0 ? null : "news.example");
            events.add(event.build());
        }
        // Five events in the last five minutes, from three visitors.
        for (int i = 0; i < 5; i++) {
            events.add(TestEvent.pageview(NOW.minusSeconds(30L + 50L * i), "live-" + (i % 3), pages.get(0)).build());
        }
        return events;
    }

    static HttpResponse<String> get(String pathAndQuery, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.url() + pathAndQuery)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(String pathAndQuery) throws Exception {
        HttpResponse<String> response = get(pathAndQuery, KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("rows_read").asLong()).isEqualTo(Long.parseLong(response.headers().firstValue("X-Tally-Rows-Read").orElseThrow()));
        return body;
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void aggregate_over_site_local_days_equals_the_events_sent() throws Exception {
        Instant from = TODAY.minusDays(2).atStartOfDay(ZONE).toInstant();
        Instant to = TODAY.atStartOfDay(ZONE).toInstant();
        JsonNode body = ok("/api/v1/aggregate?site=" + siteId + "&from=" + TODAY.minusDays(2) + "&to=" + TODAY);
        RollupFixture.Truth truth = fixture.truth(from, to, Dimension.TOTAL, "");
        JsonNode results = body.get("results");
        assertThat(results.get("pageviews").asLong()).isEqualTo(truth.pageviews());
        assertThat(results.get("events").asLong()).isEqualTo(truth.customEvents());
        assertThat(results.get("value_count").asLong()).isEqualTo(truth.valueCount());
        assertThat(results.get("value_sum").asDouble()).isCloseTo(truth.valueSum(), within(1e-6));
        assertThat(results.get("visitors").asLong()).isEqualTo(fixture.minuteSum(from, to, Dimension.TOTAL, "").visitors());
        assertThat(results.get("visitors").asDouble()).isCloseTo(truth.distinctVisitors(), within(truth.distinctVisitors() * 0.033));
        // Two Kolkata days (18:30Z to 18:30Z): one whole UTC day, 5 + 18 hours and two 30-minute edges.
        assertThat(body.get("row_bound").asLong()).isEqualTo(1 + 5 + 18 + 30 + 30);
        assertThat(body.get("rows_read").asLong()).isBetween(1L, 84L);
        assertThat(body.get("time_zone").asText()).isEqualTo("Asia/Kolkata");
        assertThat(body.get("from").asText()).isEqualTo("2026-11-19T18:30:00Z");
    }

    @Test
    void aggregate_filters_on_one_page_and_compares_with_the_previous_period() throws Exception {
        Instant from = TODAY.minusDays(1).atStartOfDay(ZONE).toInstant();
        Instant to = TODAY.atStartOfDay(ZONE).toInstant();
        JsonNode body = ok("/api/v1/aggregate?site=" + siteId + "&period=yesterday&compare=previous&filter=" + enc("page:/pricing"));
        RollupFixture.Truth truth = fixture.truth(from, to, Dimension.PAGE, "/pricing");
        assertThat(body.get("results").get("pageviews").asLong()).isEqualTo(truth.pageviews());
        RollupFixture.Truth before = fixture.truth(from.minusSeconds(86_400), from, Dimension.PAGE, "/pricing");
        assertThat(body.get("previous").get("results").get("pageviews").asLong()).isEqualTo(before.pageviews());
        assertThat(body.get("filter").get("value").asText()).isEqualTo("/pricing");
    }

    @Test
    void timeseries_gives_each_site_local_day_its_own_numbers() throws Exception {
        JsonNode body = ok("/api/v1/timeseries?site=" + siteId + "&from=" + TODAY.minusDays(3) + "&to=" + TODAY + "&interval=day&metrics=pageviews,visitors");
        JsonNode points = body.get("results");
        assertThat(points).hasSize(3);
        for (JsonNode point : points) {
            Instant start = Instant.parse(point.get("start").asText());
            Instant end = Instant.parse(point.get("end").asText());
            assertThat(end).isEqualTo(start.plusSeconds(86_400));
            assertThat(start.atZone(ZONE).toLocalTime().toSecondOfDay()).isZero();
            assertThat(point.get("pageviews").asLong()).isEqualTo(fixture.truth(start, end, Dimension.TOTAL, "").pageviews());
            assertThat(point.get("visitors").asLong()).isEqualTo(fixture.minuteSum(start, end, Dimension.TOTAL, "").visitors());
            assertThat(point.has("events")).isFalse();
        }
        assertThat(body.get("rows_read").asLong()).isLessThanOrEqualTo(body.get("row_bound").asLong());
    }

    @Test
    void breakdown_ranks_pages_and_pages_through_them() throws Exception {
        Instant from = TODAY.minusDays(3).atStartOfDay(ZONE).toInstant();
        Instant to = NOW.plusSeconds(30);
        Map<String, Long> expected = new HashMap<>();
        for (String page : PAGES) {
            expected.put(page, fixture.truth(from, to, Dimension.PAGE, page).pageviews());
        }
        List<String> ranked = new ArrayList<>(PAGES);
        ranked.sort(Comparator.comparing((String page) -> -expected.get(page)).thenComparing(page -> page));

        String query = "/api/v1/breakdown?site=" + siteId + "&from=" + TODAY.minusDays(3) + "&to=" + enc("2026-11-22T10:03:00Z")
                + "&dimension=page&sort=pageviews&limit=2";
        JsonNode first = ok(query);
        JsonNode second = ok(query + "&page=2");
        assertThat(first.get("total_values").asInt()).isEqualTo(PAGES.size());
        List<String> values = new ArrayList<>();
        for (JsonNode page : List.of(first, second)) {
            for (JsonNode entry : page.get("results")) {
                values.add(entry.get("value").asText());
                assertThat(entry.get("pageviews").asLong()).isEqualTo(expected.get(entry.get("value").asText()));
            }
        }
        assertThat(values).containsExactlyElementsOf(ranked);
    }

    @Test
    void breakdown_of_custom_events_carries_their_value_sums() throws Exception {
        Instant from = TODAY.minusDays(1).atStartOfDay(ZONE).toInstant();
        Instant to = TODAY.atStartOfDay(ZONE).toInstant();
        JsonNode body = ok("/api/v1/breakdown?site=" + siteId + "&period=yesterday&dimension=event_name&sort=events");
        Set<String> seen = new HashSet<>();
        for (JsonNode entry : body.get("results")) {
            RollupFixture.Truth truth = fixture.truth(from, to, Dimension.EVENT_NAME, entry.get("value").asText());
            assertThat(entry.get("events").asLong()).isEqualTo(truth.customEvents());
            assertThat(entry.get("value_sum").asDouble()).isCloseTo(truth.valueSum(), within(1e-6));
            seen.add(entry.get("value").asText());
        }
        assertThat(seen).containsExactlyInAnyOrder("signup", "purchase");
    }

    @Test
    void realtime_counts_the_last_five_minutes() throws Exception {
        JsonNode body = ok("/api/v1/realtime?site=" + siteId);
        Instant to = Instant.parse("2026-11-22T10:03:00Z");
        RollupFixture.Truth truth = fixture.truth(to.minusSeconds(300), to, Dimension.TOTAL, "");
        assertThat(body.get("pageviews").asLong()).isEqualTo(truth.pageviews()).isGreaterThanOrEqualTo(5);
        assertThat(body.get("visitors").asLong()).isEqualTo(truth.distinctVisitors());
        assertThat(body.get("rows_read").asLong()).isBetween(1L, 5L);
    }

    @Test
    void export_streams_every_event_of_the_range_in_time_order_from_every_stripe() throws Exception {
        Instant from = TODAY.minusDays(2).atStartOfDay(ZONE).toInstant();
        Instant to = TODAY.atStartOfDay(ZONE).toInstant();
        HttpResponse<String> response = get("/api/v1/export?site=" + siteId + "&from=" + TODAY.minusDays(2) + "&to=" + TODAY, KEY);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/x-ndjson");
        // Two Kolkata days touch three UTC days, each read in all 8 stripes.
        assertThat(response.headers().firstValue("X-Tally-Partitions")).contains("24");
        List<Instant> times = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            JsonNode event = JSON.readTree(line);
            times.add(Instant.parse(event.get("event_time").asText()));
            assertThat(event.has("client_ip")).isFalse();
        }
        List<Instant> expected = fixture.events().stream().map(TestEvent::time)
                .filter(time -> !time.isBefore(from) && time.isBefore(to)).sorted().toList();
        assertThat(times).containsExactlyElementsOf(expected);

        HttpResponse<String> csv = get("/api/v1/export?site=" + siteId + "&from=" + TODAY.minusDays(2) + "&to=" + TODAY + "&format=csv", KEY);
        assertThat(csv.body().split("\r\n")).hasSize(expected.size() + 1);
        assertThat(csv.body()).startsWith("event_time,event_id,type,");
    }

    @Test
    void export_reads_every_stripe_of_a_site_with_its_own_stripe_count() throws Exception {
        HttpResponse<String> response = get("/api/v1/export?site=" + otherSiteId + "&from=" + TODAY.minusDays(4) + "&to=" + TODAY.plusDays(1),
                OTHER_KEY);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Tally-Partitions")).contains(Long.toString(5L * OTHER_STRIPES));
        assertThat(response.body().split("\n")).hasSize(otherFixture.events().size());
    }

    @Test
    void bad_parameters_get_a_400_naming_the_parameter() throws Exception {
        Map<String, String> cases = Map.of(
                "/api/v1/aggregate?site=" + siteId, "period",
                "/api/v1/aggregate?site=" + siteId + "&period=week", "period",
                "/api/v1/aggregate?site=" + siteId + "&from=2026-13-01&to=2026-11-02", "from",
                "/api/v1/aggregate?site=" + siteId + "&period=today&filter=country:FR", "filter",
                "/api/v1/timeseries?site=" + siteId + "&period=30d&interval=minute", "interval",
                "/api/v1/breakdown?site=" + siteId + "&period=today&dimension=page&limit=0", "limit",
                "/api/v1/breakdown?site=" + siteId + "&period=today", "dimension",
                "/api/v1/export?site=" + siteId + "&period=today&format=xml", "format",
                "/api/v1/aggregate?period=today", "site");
        for (Map.Entry<String, String> entry : cases.entrySet()) {
            HttpResponse<String> response = get(entry.getKey(), KEY);
            assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("parameter").asText()).as(entry.getKey()).isEqualTo(entry.getValue());
        }
    }

    @Test
    void unknown_sites_and_wrong_keys_get_nothing() throws Exception {
        assertThat(get("/api/v1/aggregate?site=no-such-site&period=today", KEY).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/aggregate?site=" + siteId + "&period=today", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/aggregate?site=" + siteId + "&period=today", "tk_wrong").statusCode()).isEqualTo(401);
        // Another site's valid key opens that site only.
        HttpResponse<String> crossed = get("/api/v1/aggregate?site=" + siteId + "&period=today", OTHER_KEY);
        assertThat(crossed.statusCode()).isEqualTo(401);
        assertThat(crossed.body()).doesNotContain("pageviews");
        HttpResponse<String> own = get("/api/v1/breakdown?site=" + otherSiteId + "&period=7d&dimension=page", OTHER_KEY);
        assertThat(own.statusCode()).isEqualTo(200);
        List<String> pages = new ArrayList<>();
        JSON.readTree(own.body()).get("results").forEach(entry -> pages.add(entry.get("value").asText()));
        assertThat(pages).containsExactly("/secret");
    }

    @Test
    void cors_lets_a_dashboard_elsewhere_call_the_api_with_a_key_header() throws Exception {
        HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/aggregate"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://dash.example").header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization");
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/realtime?site=" + siteId))
                .header("Origin", "https://dash.example").header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    @Test
    void the_dashboard_and_its_chart_library_are_served_from_the_jar() throws Exception {
        HttpResponse<String> page = get("/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
        assertThat(page.body()).contains("/assets/chart.umd.js");
        HttpResponse<String> chart = get("/assets/chart.umd.js", null);
        assertThat(chart.statusCode()).isEqualTo(200);
        assertThat(chart.body()).contains("Chart.js");
    }
}
