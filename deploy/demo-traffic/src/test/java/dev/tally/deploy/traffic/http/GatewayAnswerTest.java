package dev.tally.deploy.traffic.http;

import static dev.tally.deploy.traffic.Hits.SHOP;
import static dev.tally.deploy.traffic.Hits.hit;
import static dev.tally.deploy.traffic.Hits.human;
import static dev.tally.deploy.traffic.Hits.pageview;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.deploy.traffic.model.Hit;
import dev.tally.deploy.traffic.model.Transport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayAnswerTest {
    private static final Hit BATCH = new Hit(0, SHOP, human(1), Transport.EVENTS_API,
            List.of(pageview("/").withLateness(9_000), pageview("/a").withLateness(8_000), pageview("/b").withLateness(7_000)), false);

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void a_pixel_200_stores_the_event_and_a_400_names_the_reason() {
        Hit pixel = hit(SHOP, human(1), Transport.PIXEL, pageview("/"));

        assertThat(GatewayAnswer.of(pixel, 200, null, new byte[43]).storedIndexes()).containsExactly(0);
        GatewayAnswer rejected = GatewayAnswer.of(pixel, 400, "host_not_allowed", new byte[43]);
        assertThat(rejected.storedIndexes()).isEmpty();
        assertThat(rejected.rejected()).isEqualTo(Map.of(0, "host_not_allowed"));
        assertThat(GatewayAnswer.of(pixel, 503, "unavailable", new byte[43]).rejected()).isEqualTo(Map.of(0, "unavailable"));
    }

    @Test
    void an_events_api_202_stores_all_but_the_rejected_indexes() {
        GatewayAnswer answer = GatewayAnswer.of(BATCH, 202, null,
                json("{\"accepted\":2,\"ignored\":0,\"rejected\":[{\"index\":1,\"reason\":\"backfill_needs_key\"}]}"));

        assertThat(answer.storedIndexes()).containsExactly(0, 2);
        assertThat(answer.rejected()).isEqualTo(Map.of(1, "backfill_needs_key"));
    }

    @Test
    void an_events_api_400_with_every_event_rejected_stores_none() {
        Hit single = hit(SHOP, human(1), Transport.TRACKER, pageview("/"));

        GatewayAnswer answer = GatewayAnswer.of(single, 400, null, json("{\"accepted\":0,\"ignored\":0,\"rejected\":[{\"index\":0,\"reason\":\"unknown_site\"}]}"));

        assertThat(answer.storedIndexes()).isEmpty();
        assertThat(answer.rejected()).isEqualTo(Map.of(0, "unknown_site"));
    }

    @Test
    void an_events_api_503_stores_only_the_listed_indexes() {
        GatewayAnswer answer = GatewayAnswer.of(BATCH, 503, null, json("{\"error\":\"unavailable\",\"message\":\"...\",\"stored\":[2]}"));

        assertThat(answer.storedIndexes()).containsExactly(2);
        assertThat(answer.rejected()).isEqualTo(Map.of(0, "unavailable", 1, "unavailable"));
    }

    @Test
    void an_error_without_a_json_answer_stores_nothing() {
        GatewayAnswer answer = GatewayAnswer.of(BATCH, 413, null, json("{\"error\":\"the body is larger than 65536 bytes\"}"));

        assertThat(answer.storedIndexes()).isEmpty();
        assertThat(answer.rejected()).containsOnlyKeys(0, 1, 2).containsValue("http_413");
        assertThat(GatewayAnswer.of(BATCH, 502, null, json("<html>bad gateway</html>")).rejected()).containsValue("http_502");
    }
}
