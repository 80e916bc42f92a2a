package dev.tally.gateway.it;

import static dev.tally.gateway.it.GatewayFixture.USER_AGENT;
import static dev.tally.gateway.it.GatewayFixture.pixel;
import static dev.tally.gateway.it.GatewayFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.deploy.cluster.TestCluster;
import dev.tally.gateway.it.GatewayFixture.EventLog;
import dev.tally.gateway.it.GatewayFixture.RawResponse;
import dev.tally.gateway.it.GatewayFixture.ReadEvent;
import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.TrackedEvent;
import dev.tally.store.IdentityMode;
import dev.tally.store.Site;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway over real HTTP, on the shared test cluster's broker and Cassandra. Each test sends what
 * a browser, the tracker or a Plausible client sends, checks the answer, and reads what reached
 * {@code <ns>.events.raw} (key {@code site|visitorId}, value Avro {@code TrackedEvent}) back from
 * Kafka, field by field. Every event carries a token of its own test in its URL or a property.
 */
class GatewayIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GIF_NO_CACHE = "no-cache, no-store, must-revalidate";
    /** How long a client waits for an answer that needs neither Kafka nor Cassandra. */
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(10);
    private static final Pattern VISITOR_COOKIE = Pattern.compile("tally_id=([0-9a-f]{32})");

    private static GatewayFixture gateway;
    private static EventLog events;
    /** Cookieless, pages on shop.example.com. */
    private static Site shop;
    /** Cookie mode, pages on members.example.com. */
    private static Site members;

    @BeforeAll
    static void startGateway() {
        LocalCluster cluster = TestCluster.shared();
        gateway = GatewayFixture.start(cluster.kafka()::bootstrapServers, cluster.cassandra(), Map.of());
        shop = gateway.registerSite("shop_", IdentityMode.COOKIELESS, "shop.example.com");
        members = gateway.registerSite("members_", IdentityMode.COOKIE, "members.example.com");
        events = gateway.openEventLog();
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    // ---- Pixel ----

    @Test
    void a_pixel_page_view_reaches_kafka_with_every_field() {
        String token = token();
        Instant before = Instant.now();

        HttpResponse<byte[]> response = gateway.send(gateway.request(pixel(
                        "site", shop.id(),
                        "url", "https://Shop.Example.com/pricing/" + token + "?plan=pro&utm_source=news&sid=s3cr3t#faq",
                        "ref", "https://news.example.org/article?id=7&utm_medium=social",
                        "title", "Prices & plans – Shop",
                        "w", "1280",
                        "p.plan", "pro"))
                .header("Accept-Language", "de-CH,de;q=0.9,en;q=0.8")
                .GET());
        Instant after = Instant.now();

        assertGif(response, 200);
        assertThat(response.headers().firstValue("X-Tally-Rejected")).isEmpty();
        assertThat(response.headers().firstValue("Set-Cookie")).as("cookieless site").isEmpty();
        assertStored(onlyEventWith(token), before, after, TrackedEvent.newBuilder()
                .setSiteId(shop.id())
                .setClientTime(null)
                .setType(EventType.PAGEVIEW)
                .setName("pageview")
                // Host lower-cased, utm_* and the fragment kept, other query parameters dropped.
                .setUrl("https://shop.example.com/pricing/" + token + "?utm_source=news#faq")
                // Referrers are cleaned like page URLs.
                .setReferrer("https://news.example.org/article?utm_medium=social")
                .setTitle("Prices & plans – Shop")
                .setLanguage("de-CH")
                .setScreenWidth(1280)
                .setUserAgent(USER_AGENT)
                .setNewVisitor(null)
                .setValue(null)
                .setCurrency(null)
                .setProps(Map.of("plan", "pro"))
                .setClientIp(null));
    }

    @Test
    void a_pixel_custom_event_carries_its_name_value_and_client_time() {
        String token = token();
        Instant clientTime = Instant.now().minusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        Instant before = Instant.now();

        HttpResponse<byte[]> response = gateway.get(pixel(
                "site", shop.id(),
                "url", "https://shop.example.com/signup/" + token,
                "n", "signup",
                "value", "19.9",
                "ts", Long.toString(clientTime.toEpochMilli())));
        Instant after = Instant.now();

        assertGif(response, 200);
        assertStored(onlyEventWith(token), before, after, TrackedEvent.newBuilder()
                .setSiteId(shop.id())
                .setClientTime(clientTime)
                .setType(EventType.CUSTOM)
                .setName("signup")
                .setUrl("https://shop.example.com/signup/" + token)
                .setReferrer(null)
                .setTitle(null)
                .setLanguage(null)
                .setScreenWidth(null)
                .setUserAgent(USER_AGENT)
                .setNewVisitor(null)
                .setValue(19.9)
                .setCurrency(null)
                .setProps(Map.of())
                .setClientIp(null));
    }

    @Test
    void an_unknown_site_is_rejected_with_its_reason_on_the_pixel_and_the_events_api() throws IOException {
        String token = token();
        String unknown = TestCluster.uniqueName("nosuchsite_");

        HttpResponse<byte[]> pixelAnswer = gateway.get(pixel("site", unknown, "url", "https://shop.example.com/" + token));
        HttpResponse<byte[]> apiAnswer = gateway.send(gateway.post("application/json",
                "{\"n\":\"pageview\",\"u\":\"https://shop.example.com/" + token + "\",\"d\":\"" + unknown + "\"}"));

        assertGif(pixelAnswer, 400);
        assertThat(pixelAnswer.headers().firstValue("X-Tally-Rejected")).hasValue("unknown_site");
        assertThat(apiAnswer.statusCode()).isEqualTo(400);
        assertThat(apiAnswer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(apiAnswer.body()))
                .isEqualTo(JSON.readTree("{\"accepted\":0,\"ignored\":0,\"rejected\":[{\"index\":0,\"reason\":\"unknown_site\"}]}"));
        assertNothingStoredFor(token);
    }

    @Test
    void pixel_parameters_that_are_not_utf8_are_answered_400_bad_encoding() {
        String token = token();
        double counted = rejected("pixel", "bad_encoding");

        // Well-formed escapes of bytes that are not UTF-8: an invalid and a truncated sequence.
        for (String title : List.of("%C3%28", "%E2%82")) {
            HttpResponse<byte[]> response = gateway.get(GatewayFixture.PIXEL + "?site=" + shop.id()
                    + "&url=https%3A%2F%2Fshop.example.com%2F" + token + "&title=" + title);

            assertGif(response, 400);
            assertThat(response.headers().firstValue("X-Tally-Rejected")).hasValue("bad_encoding");
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(rejected("pixel", "bad_encoding")).isEqualTo(counted + 2));
        assertNothingStoredFor(token);
    }

    @Test
    void a_malformed_percent_escape_on_the_pixel_gets_the_gif_and_is_counted_as_bad_encoding() {
        // Undertow's own parser would refuse these with a bare 400 before any handler; the gateway marks
        // them below the parser (MalformedEscapeConduit) so the pixel answers as for any bad input.
        String token = token();
        double counted = rejected("pixel", "bad_encoding");
        for (String title : List.of("100%ZZ", "50%2", "%")) {
            String target = GatewayFixture.PIXEL + "?site=" + shop.id() + "&url=https%3A%2F%2Fshop.example.com%2F" + token
                    + "&title=" + title;
            RawResponse response = gateway.rawGet("127.0.0.1", target, Map.of("User-Agent", USER_AGENT));

            assertThat(response.status()).as(target).isEqualTo(400);
            assertThat(response.header("Content-Type")).isEqualTo("image/gif");
            assertThat(response.header("Cache-Control")).isEqualTo(GIF_NO_CACHE);
            assertThat(response.header("X-Tally-Rejected")).isEqualTo("bad_encoding");
            assertThat(response.body()).hasSize(43).startsWith('G', 'I', 'F', '8', '9', 'a');
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(rejected("pixel", "bad_encoding")).isEqualTo(counted + 3));
        assertNothingStoredFor(token);
    }

    @Test
    void on_one_kept_alive_connection_a_body_with_stray_percent_signs_is_stored_as_sent_and_the_next_hit_judged_alone()
            throws IOException {
        String token = token();
        String body = """
                {"n":"pageview","u":"https://shop.example.com/sale/%s","d":"%s","p":{"offer":"50%%zz off, 100%%"}}"""
                .formatted(token, shop.id());
        String badPixel = GatewayFixture.PIXEL + "?site=" + shop.id() + "&url=https%3A%2F%2Fshop.example.com%2F" + token
                + "&title=100%ZZ";
        String wire = "POST " + GatewayFixture.EVENTS + " HTTP/1.1\r\nHost: gateway\r\nContent-Type: text/plain\r\n"
                + "User-Agent: " + USER_AGENT + "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n"
                + new String(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)
                + "GET " + badPixel + " HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n";

        List<RawResponse> responses = gateway.rawPipeline(wire, 2);

        assertThat(responses.get(0).status()).as(text(responses.get(0).body())).isEqualTo(202);
        assertThat(responses.get(1).status()).isEqualTo(400);
        assertThat(responses.get(1).header("X-Tally-Rejected")).isEqualTo("bad_encoding");
        assertThat(onlyEventWith(token).event().getProps()).containsEntry("offer", "50%zz off, 100%");
    }

    // ---- Events API ----

    @Test
    void a_plausible_long_key_payload_with_revenue_is_accepted_unchanged() throws IOException {
        String token = token();
        String body = """
                {"name":"Purchase","url":"https://shop.example.com/checkout/%s?utm_campaign=spring&session=abc",
                 "domain":"%s","referrer":"https://www.google.com/",
                 "props":{"plan":"pro","seats":3,"trial":false},
                 "revenue":{"currency":"EUR","amount":"49.90"},"interactive":true}
                """.formatted(token, shop.id());
        Instant before = Instant.now();

        HttpResponse<byte[]> response = gateway.send(gateway.post("application/json", body));
        Instant after = Instant.now();

        assertAccepted(response, "{\"accepted\":1,\"ignored\":0,\"rejected\":[]}");
        assertStored(onlyEventWith(token), before, after, TrackedEvent.newBuilder()
                .setSiteId(shop.id())
                .setClientTime(null)
                .setType(EventType.CUSTOM)
                .setName("Purchase")
                .setUrl("https://shop.example.com/checkout/" + token + "?utm_campaign=spring")
                .setReferrer("https://www.google.com/")
                .setTitle(null)
                .setLanguage(null)
                .setScreenWidth(null)
                .setUserAgent(USER_AGENT)
                .setNewVisitor(null)
                .setValue(49.9)
                .setCurrency("EUR")
                .setProps(Map.of("plan", "pro", "seats", "3", "trial", "false"))
                .setClientIp(null));
    }

    @Test
    void the_trackers_text_plain_short_key_payload_with_props_as_json_text_is_accepted() throws IOException {
        String token = token();
        String body = """
                {"n":"pageview","u":"https://shop.example.com/blog/%s#intro","d":"%s","r":null,"w":1440,
                 "t":"Blog – Shop","p":"{\\"author\\":\\"ann\\",\\"lang\\":\\"fr\\"}"}
                """.formatted(token, shop.id());
        Instant before = Instant.now();

        HttpResponse<byte[]> response = gateway.send(gateway.post("text/plain;charset=UTF-8", body)
                .header("Origin", "https://shop.example.com")
                .header("Accept-Language", "fr-CH, fr;q=0.9"));
        Instant after = Instant.now();

        assertAccepted(response, "{\"accepted\":1,\"ignored\":0,\"rejected\":[]}");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example.com");
        assertStored(onlyEventWith(token), before, after, TrackedEvent.newBuilder()
                .setSiteId(shop.id())
                .setClientTime(null)
                .setType(EventType.PAGEVIEW)
                .setName("pageview")
                .setUrl("https://shop.example.com/blog/" + token + "#intro")
                .setReferrer(null)
                .setTitle("Blog – Shop")
                .setLanguage("fr-CH")
                .setScreenWidth(1440)
                .setUserAgent(USER_AGENT)
                .setNewVisitor(null)
                .setValue(null)
                .setCurrency(null)
                .setProps(Map.of("author", "ann", "lang", "fr"))
                .setClientIp(null));
    }

    @Test
    void a_batch_with_one_invalid_element_accepts_the_others_and_names_the_rejected_index() throws IOException {
        String token = token();
        String body = """
                [{"n":"pageview","u":"https://shop.example.com/a/%1$s","d":"%2$s"},
                 "not an event",
                 {"n":"download","u":"https://shop.example.com/b/%1$s","d":"%2$s","p":{"file":"tally.pdf"}}]
                """.formatted(token, shop.id());

        HttpResponse<byte[]> response = gateway.send(gateway.post("application/json", body));

        assertAccepted(response, "{\"accepted\":2,\"ignored\":0,\"rejected\":[{\"index\":1,\"reason\":\"invalid_event\"}]}");
        events.awaitEvents(e -> e.getUrl().contains(token), 2);
        events.readToEnd();
        assertThat(events.matchingSoFar(e -> e.getUrl().contains(token)))
                .extracting(r -> r.event().getName() + " " + r.event().getUrl() + " " + r.event().getProps())
                .containsExactlyInAnyOrder(
                        "pageview https://shop.example.com/a/" + token + " {}",
                        "download https://shop.example.com/b/" + token + " {file=tally.pdf}");
    }

    @Test
    void malformed_json_is_answered_400_with_where_it_broke() throws IOException {
        String token = token();

        HttpResponse<byte[]> response = gateway.send(gateway.post("application/json",
                "{\"n\":\"pageview\",\"u\":\"https://shop.example.com/" + token + "\",\"d\":\"" + shop.id() + "\","));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(response.body()).path("error").asText()).startsWith("malformed JSON at line 1");
        assertNothingStoredFor(token);
    }

    @Test
    void rejects_oversized_body_with_413() throws IOException {
        String token = token();

        HttpResponse<byte[]> response = gateway.send(gateway.post("application/json", oversizedBody(token)), ANSWER_LIMIT);

        assertThat(response.statusCode()).as(text(response.body())).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).path("error").asText()).contains("65536");
        assertNothingStoredFor(token);
    }

    @Test
    void rejects_an_oversized_chunked_body_with_413_instead_of_reading_it() throws IOException {
        String token = token();
        byte[] body = oversizedBody(token).getBytes(StandardCharsets.UTF_8);

        // No Content-Length: the limit must hold while the body is read.
        HttpResponse<byte[]> response;
        try {
            response = gateway.send(gateway.request(GatewayFixture.EVENTS)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))), ANSWER_LIMIT);
        } catch (UncheckedIOException e) {
            // Closing the connection mid-body is a fair refusal too: the client cannot have it stored.
            assertNothingStoredFor(token);
            return;
        }
        assertThat(response.statusCode()).as(text(response.body())).isEqualTo(413);
        assertNothingStoredFor(token);
    }

    @Test
    void too_deeply_nested_json_is_answered_400_not_left_hanging() throws IOException {
        String token = token();
        // 80 bytes of brackets, far below the size limit: the JSON parser refuses the depth.
        String body = "{\"n\":\"pageview\",\"u\":\"https://shop.example.com/" + token + "\",\"d\":\"" + shop.id()
                + "\",\"p\":" + "[".repeat(40) + "]".repeat(40) + "}";

        HttpResponse<byte[]> response = gateway.send(gateway.post("application/json", body), ANSWER_LIMIT);

        assertThat(response.statusCode()).as(text(response.body())).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isNotBlank();
        assertNothingStoredFor(token);
    }

    @Test
    void a_number_longer_than_the_parser_allows_is_answered_400_not_left_hanging() throws IOException {
        String token = token();
        String body = "{\"n\":\"signup\",\"u\":\"https://shop.example.com/" + token + "\",\"d\":\"" + shop.id()
                + "\",\"value\":" + "9".repeat(1200) + "}";

        HttpResponse<byte[]> response = gateway.send(gateway.post("application/json", body), ANSWER_LIMIT);

        assertThat(response.statusCode()).as(text(response.body())).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isNotBlank();
        assertNothingStoredFor(token);
    }

    @Test
    void a_form_encoded_body_is_answered_415() throws IOException {
        String token = token();

        HttpResponse<byte[]> response = gateway.send(gateway.post("application/x-www-form-urlencoded",
                "n=pageview&u=https%3A%2F%2Fshop.example.com%2F" + token + "&d=" + shop.id()));

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(response.body()).path("error").asText()).contains("application/json");
        assertNothingStoredFor(token);
    }

    @Test
    void a_preflight_from_a_registered_host_is_allowed_and_other_origins_get_no_allowance() {
        HttpResponse<byte[]> registered = preflight("https://shop.example.com");
        HttpResponse<byte[]> stranger = preflight("https://evil.example.net");
        HttpResponse<byte[]> lookAlike = preflight("https://shop.example.com.evil.net");

        assertThat(registered.statusCode()).isEqualTo(204);
        assertThat(registered.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example.com");
        assertThat(registered.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(registered.headers().firstValue("Access-Control-Allow-Headers").orElse("")).containsIgnoringCase("content-type");
        for (HttpResponse<byte[]> refused : List.of(stranger, lookAlike)) {
            assertThat(refused.statusCode()).isEqualTo(204);
            assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(refused.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
        }
    }

    // ---- Privacy and identity ----

    @Test
    void no_record_contains_the_client_ip_not_even_a_forwarded_one() {
        String token = token();
        gateway.send(gateway.request(pixel("site", shop.id(), "url", "https://shop.example.com/ip/" + token))
                .header("X-Forwarded-For", "203.0.113.77")
                .header("X-Real-IP", "203.0.113.78")
                .GET());
        gateway.send(gateway.post("application/json",
                        "{\"n\":\"pageview\",\"u\":\"https://shop.example.com/ip/" + token + "\",\"d\":\"" + shop.id() + "\"}")
                .header("X-Forwarded-For", "203.0.113.77"));
        gateway.rawGet("127.0.0.2", pixel("site", shop.id(), "url", "https://shop.example.com/ip/" + token),
                Map.of("User-Agent", USER_AGENT));

        events.awaitEvents(e -> e.getUrl().contains(token), 3);
        List<ReadEvent> everything = events.readToEnd();

        assertThat(everything).hasSizeGreaterThanOrEqualTo(3);
        for (String address : List.of("127.0.0.1", "127.0.0.2", "203.0.113.77", "203.0.113.78")) {
            assertThat(everything).as("records holding %s", address)
                    .filteredOn(r -> r.bytesContain(address))
                    .extracting(r -> r.event().toString())
                    .isEmpty();
        }
    }

    @Test
    void the_same_client_gets_the_same_visitor_id_and_x_forwarded_for_is_ignored_without_a_trusted_proxy() {
        String token = token();
        String first = visitorOf(token, "first", Map.of());
        String again = visitorOf(token, "again", Map.of());
        String forwarded = visitorOf(token, "forwarded", Map.of("X-Forwarded-For", "198.51.100.23"));
        String forwardedElsewhere = visitorOf(token, "forwarded-elsewhere", Map.of("X-Forwarded-For", "192.0.2.99, 198.51.100.24"));
        String realIp = visitorOf(token, "real-ip", Map.of("X-Real-IP", "198.51.100.25"));
        String otherBrowser = visitorOf(token, "other-browser", Map.of("User-Agent", "curl/8.5.0"));
        String otherAddress = visitorAt("127.0.0.2", token, "other-address");

        assertThat(again).isEqualTo(first);
        assertThat(forwarded).as("X-Forwarded-For from an untrusted peer").isEqualTo(first);
        assertThat(forwardedElsewhere).as("X-Forwarded-For from an untrusted peer").isEqualTo(first);
        assertThat(realIp).as("X-Real-IP from an untrusted peer").isEqualTo(first);
        // The id does depend on the browser and the address, so the equalities above mean something.
        assertThat(otherBrowser).isNotEqualTo(first);
        assertThat(otherAddress).isNotEqualTo(first);
    }

    @Test
    void a_cookie_mode_site_sets_the_visitor_cookie_once_and_recognises_it_on_both_endpoints() throws IOException {
        String token = token();
        Instant before = Instant.now();

        HttpResponse<byte[]> first = gateway.get(pixel("site", members.id(), "url", "https://members.example.com/welcome/" + token));
        Instant after = Instant.now();

        assertGif(first, 200);
        String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow(() -> new AssertionError("no Set-Cookie"));
        Matcher cookie = VISITOR_COOKIE.matcher(setCookie);
        assertThat(cookie.find()).as(setCookie).isTrue();
        String visitor = cookie.group(1);
        assertThat(setCookie).contains("Path=/").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax")
                .contains("Max-Age=34560000").doesNotContainIgnoringCase("Secure");
        TrackedEvent welcome = assertStored(onlyEventWith(token), before, after, TrackedEvent.newBuilder()
                .setSiteId(members.id())
                .setClientTime(null)
                .setType(EventType.PAGEVIEW)
                .setName("pageview")
                .setUrl("https://members.example.com/welcome/" + token)
                .setReferrer(null)
                .setTitle(null)
                .setLanguage(null)
                .setScreenWidth(null)
                .setUserAgent(USER_AGENT)
                .setNewVisitor(true)
                .setValue(null)
                .setCurrency(null)
                .setProps(Map.of())
                .setClientIp(null));
        assertThat(welcome.getVisitorId()).isEqualTo(visitor);

        String secondToken = token();
        HttpResponse<byte[]> second = gateway.send(gateway.request(
                        pixel("site", members.id(), "url", "https://members.example.com/account/" + secondToken))
                .header("Cookie", "tally_id=" + visitor).GET());
        assertGif(second, 200);
        assertThat(second.headers().firstValue("Set-Cookie")).isEmpty();
        TrackedEvent returning = onlyEventWith(secondToken).event();
        assertThat(returning.getNewVisitor()).isFalse();
        assertThat(returning.getVisitorId()).isEqualTo(visitor);

        String thirdToken = token();
        HttpResponse<byte[]> third = gateway.send(gateway.post("text/plain",
                        "{\"n\":\"pageview\",\"u\":\"https://members.example.com/api/" + thirdToken + "\",\"d\":\"" + members.id() + "\"}")
                .header("Origin", "https://members.example.com")
                .header("Cookie", "tally_id=" + visitor));
        assertAccepted(third, "{\"accepted\":1,\"ignored\":0,\"rejected\":[]}");
        assertThat(third.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(third.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        TrackedEvent viaApi = onlyEventWith(thirdToken).event();
        assertThat(viaApi.getNewVisitor()).isFalse();
        assertThat(viaApi.getVisitorId()).isEqualTo(visitor);

        String forgedToken = token();
        HttpResponse<byte[]> forged = gateway.send(gateway.request(
                        pixel("site", members.id(), "url", "https://members.example.com/forged/" + forgedToken))
                .header("Cookie", "tally_id=not-an-id-we-issued").GET());
        Matcher fresh = VISITOR_COOKIE.matcher(forged.headers().firstValue("Set-Cookie").orElse(""));
        assertThat(fresh.find()).as("a fresh cookie replaces one the gateway cannot have issued").isTrue();
        TrackedEvent newcomer = onlyEventWith(forgedToken).event();
        assertThat(newcomer.getNewVisitor()).isTrue();
        assertThat(newcomer.getVisitorId()).isEqualTo(fresh.group(1)).isNotEqualTo(visitor);
    }

    // ---- Operations ----

    @Test
    void metrics_count_requests_by_endpoint_and_status_and_rejections_by_reason() {
        String token = token();
        double pixelOk = requests("pixel", "200");
        double pixelBad = requests("pixel", "400");
        double eventsAccepted = requests("events", "202");
        double eventsBad = requests("events", "400");
        double unknownSite = rejected("pixel", "unknown_site");
        double missingUrl = rejected("events", "missing_url");
        double accepted = gateway.metric("tally_gateway_events_accepted_total", "endpoint", "pixel");

        gateway.get(pixel("site", shop.id(), "url", "https://shop.example.com/metrics/" + token));
        gateway.get(pixel("site", "no-such-site", "url", "https://shop.example.com/metrics/" + token));
        gateway.get(pixel("site", "no-such-site", "url", "https://shop.example.com/metrics/" + token));
        gateway.send(gateway.post("application/json", "{\"n\":\"pageview\",\"d\":\"" + shop.id() + "\"}"));
        gateway.send(gateway.post("application/json",
                "{\"n\":\"pageview\",\"u\":\"https://shop.example.com/metrics/" + token + "\",\"d\":\"" + shop.id() + "\"}"));

        // Requests are counted when the exchange completes, which may be just after the client read the answer.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(requests("pixel", "200")).isEqualTo(pixelOk + 1);
            assertThat(requests("pixel", "400")).isEqualTo(pixelBad + 2);
            assertThat(requests("events", "202")).isEqualTo(eventsAccepted + 1);
            assertThat(requests("events", "400")).isEqualTo(eventsBad + 1);
            assertThat(rejected("pixel", "unknown_site")).isEqualTo(unknownSite + 2);
            assertThat(rejected("events", "missing_url")).isEqualTo(missingUrl + 1);
            assertThat(gateway.metric("tally_gateway_events_accepted_total", "endpoint", "pixel")).isEqualTo(accepted + 1);
        });
    }

    @Test
    void healthz_and_readyz_answer_200_with_every_check_passing() {
        assertThat(gateway.get("/healthz").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<byte[]> ready = gateway.get("/readyz");
            assertThat(ready.statusCode()).as(text(ready.body())).isEqualTo(200);
            assertThat(text(ready.body())).contains("kafka", "kafka-producer", "site-registry", "visitor-salt")
                    .doesNotContain("FAIL");
        });
    }

    @Test
    void the_tracker_script_is_javascript_with_an_etag_and_answers_304_to_if_none_match() throws IOException {
        HttpResponse<byte[]> script = gateway.get("/a.js");

        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValue("application/javascript; charset=utf-8");
        assertThat(script.headers().firstValue("Content-Encoding")).isEmpty();
        String etag = script.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag"));
        assertThat(etag).matches("\"[^\"]+\"");
        assertThat(text(script.body())).contains("/api/event", "/a.gif", "sendBeacon").doesNotContain("__TALLY_");

        HttpResponse<byte[]> unchanged = gateway.send(gateway.request("/a.js").header("If-None-Match", etag).GET());
        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertThat(unchanged.headers().firstValue("ETag")).hasValue(etag);
        HttpResponse<byte[]> changed = gateway.send(gateway.request("/a.js").header("If-None-Match", "\"older\"").GET());
        assertThat(changed.statusCode()).isEqualTo(200);

        HttpResponse<byte[]> gzipped = gateway.send(gateway.request("/a.js").header("Accept-Encoding", "gzip").GET());
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String gzipEtag = gzipped.headers().firstValue("ETag").orElseThrow();
        assertThat(gzipEtag).isNotEqualTo(etag);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(script.body());
        }
        HttpResponse<byte[]> gzipUnchanged = gateway.send(gateway.request("/a.js")
                .header("Accept-Encoding", "gzip").header("If-None-Match", gzipEtag).GET());
        assertThat(gzipUnchanged.statusCode()).isEqualTo(304);
    }

    // ---- Helpers ----

    private static String token() {
        return TestCluster.uniqueName("t");
    }

    /**
     * A 70 KB event that is valid JSON of short strings (so only the size limit can refuse it, not the
     * parser's string limit) and carries {@code token} in its URL.
     */
    private static String oversizedBody(String token) {
        StringBuilder props = new StringBuilder();
        for (int i = 0; props.length() < 70 * 1024; i++) {
            props.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"").append("v".repeat(20)).append('"');
        }
        String body = "{\"n\":\"pageview\",\"u\":\"https://shop.example.com/" + token + "\",\"d\":\"" + shop.id()
                + "\",\"p\":{" + props + "}}";
        assertThat(body.length()).isGreaterThan(70 * 1024);
        return body;
    }

    private static HttpResponse<byte[]> preflight(String origin) {
        return gateway.send(gateway.request(GatewayFixture.EVENTS)
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }

    private static double requests(String endpoint, String status) {
        return gateway.metric("tally_gateway_requests_total", "endpoint", endpoint, "status", status, "service", "ingest-gateway");
    }

    private static double rejected(String endpoint, String reason) {
        return gateway.metric("tally_gateway_events_rejected_total", "endpoint", endpoint, "reason", reason, "service", "ingest-gateway");
    }

    /** The visitor id of a pixel page view sent from 127.0.0.1 with the browser's headers plus {@code headers}. */
    private static String visitorOf(String token, String step, Map<String, String> headers) {
        HttpRequest.Builder request = gateway.request(pixel("site", shop.id(), "url", "https://shop.example.com/" + step + "/" + token));
        headers.forEach(request::setHeader);
        assertGif(gateway.send(request.GET()), 200);
        return onlyEventWith(step + "/" + token).event().getVisitorId();
    }

    /** As {@link #visitorOf}, from another loopback address. */
    private static String visitorAt(String address, String token, String step) {
        RawResponse response = gateway.rawGet(address, pixel("site", shop.id(), "url", "https://shop.example.com/" + step + "/" + token),
                Map.of("User-Agent", USER_AGENT));
        assertThat(response.status()).isEqualTo(200);
        return onlyEventWith(step + "/" + token).event().getVisitorId();
    }

    private static void assertGif(HttpResponse<byte[]> response, int status) {
        assertThat(response.statusCode()).as("status (X-Tally-Rejected: %s)",
                response.headers().firstValue("X-Tally-Rejected").orElse("-")).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue(GIF_NO_CACHE);
        assertThat(response.body()).hasSize(43).startsWith('G', 'I', 'F', '8', '9', 'a');
    }

    private static void assertAccepted(HttpResponse<byte[]> response, String expectedJson) throws IOException {
        assertThat(response.statusCode()).as(text(response.body())).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer).isEqualTo(JSON.readTree(expectedJson));
    }

    /** The one event whose URL or a property holds {@code token}, after reading everything published so far. */
    private static ReadEvent onlyEventWith(String token) {
        events.awaitEvents(e -> mentions(e, token), 1);
        events.readToEnd();
        List<ReadEvent> found = events.matchingSoFar(e -> mentions(e, token));
        assertThat(found).as("events carrying %s", token).hasSize(1);
        return found.get(0);
    }

    private static boolean mentions(TrackedEvent event, String token) {
        return event.getUrl().contains(token) || event.getProps().containsValue(token);
    }

    /**
     * A rejected request must not reach Kafka. Absence cannot be awaited, so a valid event is sent after
     * it and read back: by then anything the rejected request had wrongly published has been sent too,
     * and nothing read so far may carry the token.
     */
    private static void assertNothingStoredFor(String token) {
        String sentinel = token();
        assertGif(gateway.get(pixel("site", shop.id(), "url", "https://shop.example.com/sentinel/" + sentinel)), 200);
        onlyEventWith(sentinel);
        assertThat(events.matchingSoFar(e -> mentions(e, token))).as("events carrying %s", token).isEmpty();
    }

    /**
     * Every field of a stored event: the ones the gateway generates by their rules, the key and the
     * absence of the client address, and all others exactly as {@code expected}.
     */
    private static TrackedEvent assertStored(ReadEvent read, Instant sentAfter, Instant answeredBefore, TrackedEvent.Builder expected) {
        TrackedEvent actual = read.event();
        assertThat(UUID.fromString(actual.getEventId()).version()).as("eventId version").isEqualTo(4);
        assertThat(actual.getReceivedAt()).isBetween(sentAfter.truncatedTo(ChronoUnit.MILLIS), answeredBefore);
        assertThat(actual.getVisitorId()).matches("[0-9a-f]{32}");
        assertThat(read.key()).isEqualTo(actual.getSiteId() + "|" + actual.getVisitorId());
        assertThat(read.bytesContain("127.0.0.1")).as("record holds the client IP").isFalse();
        assertThat(actual).isEqualTo(expected
                .setEventId(actual.getEventId())
                .setReceivedAt(actual.getReceivedAt())
                .setVisitorId(actual.getVisitorId())
                .build());
        return actual;
    }
}
