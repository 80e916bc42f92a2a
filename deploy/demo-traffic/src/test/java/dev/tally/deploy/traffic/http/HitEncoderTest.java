package dev.tally.deploy.traffic.http;

import static dev.tally.deploy.traffic.Hits.SHOP;
import static dev.tally.deploy.traffic.Hits.hit;
import static dev.tally.deploy.traffic.Hits.human;
import static dev.tally.deploy.traffic.Hits.pageview;
import static dev.tally.deploy.traffic.Hits.purchase;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.deploy.traffic.model.Hit;
import dev.tally.deploy.traffic.model.Transport;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HitEncoderTest {
    private static final long NOW = 1_795_000_000_000L;
    private static final HitEncoder ENCODER = new HitEncoder("127.0.0.1:8080", "/a.gif", "/api/event");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Request(String line, Map<String, String> headers, String body) {}

    private static Request parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim());
        }
        return new Request(lines[0], headers, text.substring(end + 4));
    }

    private static Map<String, String> query(String requestLine) {
        String target = requestLine.split(" ")[1];
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : target.substring(target.indexOf('?') + 1).split("&")) {
            String[] parts = pair.split("=", 2);
            params.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        return params;
    }

    @Test
    void a_tracker_hit_is_the_scripts_json_as_text_plain_from_the_visitors_browser_and_address() throws Exception {
        Request request = parse(ENCODER.encode(hit(SHOP, human(7), Transport.TRACKER, purchase(4950)), "tk_secret", NOW));

        assertThat(request.line()).isEqualTo("POST /api/event HTTP/1.1");
        assertThat(request.headers()).containsEntry("Host", "127.0.0.1:8080")
                .containsEntry("X-Forwarded-For", "198.18.0.7")
                .containsEntry("User-Agent", human(7).userAgent())
                .containsEntry("Accept-Language", "de-CH,de;q=0.9")
                .containsEntry("Origin", "https://www.shop.example")
                .containsEntry("Content-Type", "text/plain;charset=UTF-8")
                .doesNotContainKey("X-Tally-Site-Key");
        assertThat(Integer.parseInt(request.headers().get("Content-Length"))).isEqualTo(request.body().getBytes(StandardCharsets.UTF_8).length);
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.path("n").asText()).isEqualTo("purchase");
        assertThat(body.path("u").asText()).isEqualTo("https://www.shop.example/pricing");
        assertThat(body.path("d").asText()).isEqualTo("shop.example");
        assertThat(body.path("r").isNull()).isTrue();
        assertThat(body.path("t").asText()).isEqualTo("Pricing · Shop");
        assertThat(body.path("w").asInt()).isEqualTo(1440);
        assertThat(body.path("p").path("plan").asText()).isEqualTo("pro");
        assertThat(body.path("value").decimalValue()).isEqualByComparingTo("49.50");
        assertThat(body.has("timestamp")).isFalse();
    }

    @Test
    void a_pixel_hit_carries_the_event_in_the_query_string() {
        Request request = parse(ENCODER.encode(hit(SHOP, human(3), Transport.PIXEL, purchase(1900)), "tk_secret", NOW));

        assertThat(request.line()).startsWith("GET /a.gif?").endsWith(" HTTP/1.1");
        assertThat(query(request.line())).containsEntry("site", "shop.example")
                .containsEntry("url", "https://www.shop.example/pricing")
                .containsEntry("title", "Pricing · Shop")
                .containsEntry("w", "1440")
                .containsEntry("n", "purchase")
                .containsEntry("value", "19.00")
                .containsEntry("currency", "EUR")
                .containsEntry("p.plan", "pro")
                .doesNotContainKeys("ref", "ts");
        assertThat(request.headers()).containsEntry("X-Forwarded-For", "198.18.0.3").doesNotContainKey("Origin");
        assertThat(request.body()).isEmpty();
    }

    @Test
    void a_pixel_page_view_sends_its_referrer_and_no_name() {
        Request request = parse(ENCODER.encode(hit(SHOP, human(3), Transport.PIXEL, pageview("/")), null, NOW));

        assertThat(query(request.line())).containsEntry("ref", "https://www.google.com/").doesNotContainKeys("n", "value");
    }

    @Test
    void a_late_batch_is_an_events_api_array_with_client_timestamps_revenue_and_the_site_key_when_needed() throws Exception {
        Hit hit = new Hit(0, SHOP, human(1), Transport.EVENTS_API,
                List.of(pageview("/").withLateness(400_000), purchase(2500).withLateness(380_000)), true);

        Request request = parse(ENCODER.encode(hit, "tk_secret", NOW));

        assertThat(request.headers()).containsEntry("X-Tally-Site-Key", "tk_secret").containsEntry("Content-Type", "application/json")
                .doesNotContainKey("Origin");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.isArray()).isTrue();
        assertThat(body).hasSize(2);
        assertThat(body.get(0).path("name").asText()).isEqualTo("pageview");
        assertThat(body.get(0).path("domain").asText()).isEqualTo("shop.example");
        assertThat(body.get(0).path("referrer").asText()).isEqualTo("https://www.google.com/");
        assertThat(body.get(0).path("timestamp").asLong()).isEqualTo(NOW - 400_000);
        assertThat(body.get(1).path("timestamp").asLong()).isEqualTo(NOW - 380_000);
        assertThat(body.get(1).path("revenue").path("currency").asText()).isEqualTo("EUR");
        assertThat(body.get(1).path("revenue").path("amount").decimalValue()).isEqualByComparingTo("25.00");
        assertThat(body.get(1).path("props").path("plan").asText()).isEqualTo("pro");
    }

    @Test
    void a_late_batch_within_the_skew_goes_without_the_key() {
        Hit hit = new Hit(0, SHOP, human(1), Transport.EVENTS_API, List.of(pageview("/").withLateness(30_000)), false);

        assertThat(parse(ENCODER.encode(hit, "tk_secret", NOW)).headers()).doesNotContainKey("X-Tally-Site-Key");
    }

    @Test
    void json_strings_are_escaped() {
        StringBuilder json = HitEncoder.quote(new StringBuilder(), "a\"b\\c\nd");

        assertThat(json.toString()).isEqualTo("\"a\\\"b\\\\c\\u000ad\"");
        assertThat(HitEncoder.amount(5)).isEqualTo("0.05");
    }
}
