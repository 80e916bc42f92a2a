package dev.tally.deploy.traffic.truth;

import static dev.tally.deploy.traffic.Hits.BLOG;
import static dev.tally.deploy.traffic.Hits.SHOP;
import static dev.tally.deploy.traffic.Hits.bot;
import static dev.tally.deploy.traffic.Hits.campaignLanding;
import static dev.tally.deploy.traffic.Hits.hit;
import static dev.tally.deploy.traffic.Hits.human;
import static dev.tally.deploy.traffic.Hits.pageview;
import static dev.tally.deploy.traffic.Hits.purchase;
import static dev.tally.deploy.traffic.Hits.signup;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.deploy.traffic.model.Hit;
import dev.tally.deploy.traffic.model.PlannedEvent;
import dev.tally.deploy.traffic.model.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroundTruthTest {
    private static final Instant MONDAY = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant TUESDAY = Instant.parse("2026-11-24T00:00:01Z");

    private static void accept(GroundTruth truth, Hit hit, Instant at) {
        hit.events().forEach(event -> truth.accepted(hit, event, at));
    }

    @Test
    void counts_human_page_views_and_custom_events_per_site_and_leaves_bots_apart() {
        GroundTruth truth = new GroundTruth(1);
        accept(truth, hit(SHOP, human(1), Transport.TRACKER, pageview("/")), MONDAY);
        accept(truth, hit(SHOP, human(1), Transport.PIXEL, pageview("/pricing")), MONDAY);
        accept(truth, hit(SHOP, human(2), Transport.TRACKER, signup()), MONDAY);
        accept(truth, hit(SHOP, bot(0), Transport.TRACKER, pageview("/")), MONDAY);
        accept(truth, hit(BLOG, human(1), Transport.TRACKER, pageview("/")), MONDAY);

        SiteTruth shop = truth.sites().get("shop.example");
        assertThat(shop.pageviews()).isEqualTo(2);
        assertThat(shop.customEvents()).isEqualTo(1);
        assertThat(shop.botEvents()).isEqualTo(1);
        assertThat(shop.pages()).isEqualTo(Map.of("/", 1L, "/pricing", 1L));
        assertThat(truth.sites().get("blog.example").pageviews()).isEqualTo(1);
        assertThat(truth.acceptedEvents()).isEqualTo(5);
        assertThat(truth.humanPageviews()).isEqualTo(3);
        assertThat(truth.botEvents()).isEqualTo(1);
    }

    @Test
    void distinct_visitors_are_counted_once_per_site_and_per_day_of_sending() {
        GroundTruth truth = new GroundTruth(1);
        accept(truth, hit(SHOP, human(1), Transport.TRACKER, pageview("/")), MONDAY);
        accept(truth, hit(SHOP, human(1), Transport.TRACKER, pageview("/pricing")), MONDAY);
        accept(truth, hit(SHOP, human(2), Transport.TRACKER, pageview("/")), MONDAY);
        accept(truth, hit(SHOP, human(1), Transport.TRACKER, pageview("/")), TUESDAY);
        accept(truth, hit(SHOP, bot(3), Transport.TRACKER, pageview("/")), TUESDAY);

        SiteTruth shop = truth.sites().get("shop.example");
        assertThat(shop.visitors()).isEqualTo(2);
        assertThat(shop.visitorsByDay()).isEqualTo(Map.of(LocalDate.parse("2026-11-23"), 2, LocalDate.parse("2026-11-24"), 1));
    }

    @Test
    void values_are_summed_exactly_with_count_min_and_max_per_event_name() {
        GroundTruth truth = new GroundTruth(1);
        accept(truth, hit(SHOP, human(1), Transport.TRACKER, purchase(4900)), MONDAY);
        accept(truth, hit(SHOP, human(2), Transport.TRACKER, purchase(10)), MONDAY);
        accept(truth, hit(SHOP, human(3), Transport.PIXEL, purchase(24900)), MONDAY);
        accept(truth, hit(SHOP, human(3), Transport.PIXEL, signup()), MONDAY);

        SiteTruth.EventTruth purchases = truth.sites().get("shop.example").events().get("purchase");
        assertThat(purchases.count()).isEqualTo(3);
        assertThat(purchases.valueCount()).isEqualTo(3);
        assertThat(purchases.valueSumCents()).isEqualTo(29810);
        assertThat(purchases.valueMinCents()).isEqualTo(10);
        assertThat(purchases.valueMaxCents()).isEqualTo(24900);
        SiteTruth.EventTruth signups = truth.sites().get("shop.example").events().get("signup");
        assertThat(signups.count()).isEqualTo(1);
        assertThat(signups.valueCount()).isZero();
        assertThat(signups.valueMinCents()).isNull();
    }

    @Test
    void late_and_backfilled_events_and_campaign_page_views_are_counted() {
        GroundTruth truth = new GroundTruth(1);
        PlannedEvent late = pageview("/").withLateness(400_000);
        accept(truth, new Hit(0, SHOP, human(1), Transport.EVENTS_API, List.of(late, pageview("/pricing").withLateness(1_000)), true), MONDAY);
        accept(truth, new Hit(1, SHOP, human(2), Transport.EVENTS_API, List.of(pageview("/").withLateness(20_000)), false), MONDAY);
        accept(truth, hit(SHOP, human(3), Transport.TRACKER, campaignLanding("/")), MONDAY);

        SiteTruth shop = truth.sites().get("shop.example");
        assertThat(shop.lateEvents()).isEqualTo(3);
        assertThat(shop.backfilledEvents()).isEqualTo(2);
        assertThat(shop.utmSources()).isEqualTo(Map.of("newsletter", 1L));
        assertThat(shop.utmCampaigns()).isEqualTo(Map.of("digest", 1L));
    }

    @Test
    void events_without_an_answer_are_kept_apart_as_uncertain() {
        GroundTruth truth = new GroundTruth(1);
        truth.uncertain(3);

        assertThat(truth.uncertainEvents()).isEqualTo(3);
        assertThat(truth.acceptedEvents()).isZero();
        assertThat(truth.sites()).isEmpty();
    }

    @Test
    void writes_the_truth_as_json(@TempDir Path dir) throws Exception {
        GroundTruth truth = new GroundTruth(77);
        accept(truth, hit(SHOP, human(1), Transport.TRACKER, pageview("/")), MONDAY);
        accept(truth, hit(SHOP, human(1), Transport.TRACKER, purchase(1999)), MONDAY);
        accept(truth, hit(SHOP, human(2), Transport.TRACKER, purchase(1)), MONDAY);
        Path file = dir.resolve("out/truth.json");

        truth.writeJson(file);

        JsonNode json = new ObjectMapper().readTree(Files.readString(file));
        assertThat(json.path("seed").asLong()).isEqualTo(77);
        JsonNode shop = json.path("sites").path("shop.example");
        assertThat(shop.path("pageviews").asLong()).isEqualTo(1);
        assertThat(shop.path("customEvents").asLong()).isEqualTo(2);
        assertThat(shop.path("visitors").asInt()).isEqualTo(2);
        assertThat(shop.path("visitorsByDay").path("2026-11-23").asInt()).isEqualTo(2);
        assertThat(shop.path("events").path("purchase").path("valueSum").decimalValue()).isEqualByComparingTo("20.00");
        assertThat(shop.path("events").path("purchase").path("valueMin").decimalValue()).isEqualByComparingTo("0.01");
        assertThat(shop.path("pages").path("/").asLong()).isEqualTo(1);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }
}
