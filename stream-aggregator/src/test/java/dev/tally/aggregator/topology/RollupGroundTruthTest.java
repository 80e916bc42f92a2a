package dev.tally.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.aggregator.enrich.TrackedEvents;
import dev.tally.aggregator.rollup.Buckets;
import dev.tally.aggregator.rollup.Dimension;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A randomised stream of 100,000 events over three and a half hours across a UTC midnight, out of order
 * within the grace period, with late events, bots, values and one hot site, compared with a brute-force
 * ground truth computed from the same events: every bucket of every tier and dimension.
 */
class RollupGroundTruthTest {
    private static final int EVENTS = 100_000;
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final Instant START = Instant.parse("2026-11-22T22:30:00Z");
    /** Relative error allowed on visitor estimates: three standard errors of HLL lgK 12 (1.04/64 each). */
    private static final double VISITOR_TOLERANCE = 3 * 1.04 / 64;

    @TempDir
    Path stateDir;

    private static final String[] AGENTS = {
            TrackedEvents.CHROME, TrackedEvents.IPHONE,
            "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:127.0) Gecko/20100101 Firefox/127.0",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36"};
    private static final String[] REFERRERS = {
            null, null, "https://www.google.com/search?q=x", "https://t.co/xyz", "https://mail.google.com/", "https://blog.example.org/p"};
    private static final String[] QUERIES = {"", "", "", "?utm_source=news&utm_campaign=winter", "?utm_source=ads&utm_medium=cpc&utm_campaign=bf"};

    /** Ground-truth metrics of one bucket of one dimension value. */
    private static final class Truth {
        long pageviews;
        long customEvents;
        final Set<String> visitors = new HashSet<>();
        long valueCount;
        double valueSum;
        Double valueMin;
        Double valueMax;
    }

    @Test
    void every_bucket_of_every_tier_and_dimension_matches_a_brute_force_count() {
        Random random = new Random(20261122L);
        List<TrackedEvent> sent = new ArrayList<>(EVENTS);
        try (TopologyHarness harness = new TopologyHarness(stateDir, GRACE, 5_000)) {
            long spanMs = Duration.ofMinutes(210).toMillis();
            for (int i = 0; i < EVENTS; i++) {
                TrackedEvent event = randomEvent(random, i, START.toEpochMilli() + spanMs * i / EVENTS);
                sent.add(event);
                harness.send(event);
                if (i % 500 == 499) {
                    harness.tick();
                }
            }
            // Close every bucket: a far-future event on another site, drained twice (see PreAggregateProcessor).
            for (int i = 0; i < 2; i++) {
                harness.send(TrackedEvents.pageview().setSiteId("clock.example")
                        .setReceivedAt(START.plus(Duration.ofDays(3)).plusSeconds(i * 61L)).build());
                harness.tick();
            }

            List<KeyValue<String, EnrichedEvent>> enriched = harness.enriched();
            assertThat(enriched).hasSize(EVENTS + 2);
            long[] excluded = new long[2];
            Map<RollupKey, Truth> truth = groundTruth(enriched.subList(0, EVENTS), excluded);
            assertThat(harness.bots.get()).as("bot events").isEqualTo(excluded[0]);
            assertThat(harness.late.get()).as("late events").isEqualTo(excluded[1]);
            assertThat(excluded[1]).as("the stream has late events").isGreaterThan(100);

            Map<RollupKey, Rollup> latest = new HashMap<>(harness.latest());
            latest.keySet().removeIf(key -> key.getSiteId().equals("clock.example"));
            assertThat(latest.keySet()).isEqualTo(truth.keySet());
            double worstVisitorError = 0;
            for (Map.Entry<RollupKey, Truth> expected : truth.entrySet()) {
                Rollup actual = latest.get(expected.getKey());
                Truth t = expected.getValue();
                String where = expected.getKey().toString();
                assertThat(actual.getFinalized()).as(where).isTrue();
                assertThat(actual.getPageviews()).as(where).isEqualTo(t.pageviews);
                assertThat(actual.getCustomEvents()).as(where).isEqualTo(t.customEvents);
                assertThat(actual.getValueCount()).as(where).isEqualTo(t.valueCount);
                assertThat(actual.getValueSum()).as(where).isEqualTo(t.valueSum);
                assertThat(actual.getValueMin()).as(where).isEqualTo(t.valueMin);
                assertThat(actual.getValueMax()).as(where).isEqualTo(t.valueMax);
                double error = Math.abs(actual.getVisitorsEstimate() - t.visitors.size()) / t.visitors.size();
                worstVisitorError = Math.max(worstVisitorError, error);
                assertThat(error).as(where + " visitors " + t.visitors.size()).isLessThanOrEqualTo(VISITOR_TOLERANCE);
            }
            assertTiersAgree(latest);
            System.out.printf("ground truth: %d buckets, %d bots, %d late, worst visitor error %.4f%n",
                    truth.size(), excluded[0], excluded[1], worstVisitorError);
        }
    }

    private static TrackedEvent randomEvent(Random random, int i, long baseTimeMs) {
        boolean hotSite = random.nextInt(2) == 0;
        String site = hotSite ? "hot.example" : "site" + random.nextInt(20) + ".example";
        long time = baseTimeMs - random.nextInt((int) Duration.ofMinutes(8).toMillis());
        if (random.nextInt(400) == 0) {
            time = baseTimeMs - Duration.ofMinutes(15 + random.nextInt(30)).toMillis(); // past grace
        }
        String agent = random.nextInt(20) == 0 ? TrackedEvents.GOOGLEBOT : AGENTS[random.nextInt(AGENTS.length)];
        TrackedEvent.Builder event = TrackedEvents.pageview()
                .setEventId("e" + i)
                .setSiteId(site)
                .setReceivedAt(Instant.ofEpochMilli(time))
                .setVisitorId("v" + random.nextInt(hotSite ? 3_000 : 300))
                .setUserAgent(agent)
                .setUrl("https://" + site + "/p" + random.nextInt(30) + QUERIES[random.nextInt(QUERIES.length)])
                .setReferrer(REFERRERS[random.nextInt(REFERRERS.length)]);
        if (random.nextInt(5) == 0) {
            event.setType(EventType.CUSTOM).setName(new String[] {"signup", "purchase", "download"}[random.nextInt(3)]);
            if (random.nextBoolean()) {
                event.setValue(random.nextInt(2_000) / 4.0); // quarters: sums are exact in any order
            }
        }
        return event.build();
    }

    /** Replays the aggregator's acceptance rule (one input partition here: one stream time) by brute force. */
    private static Map<RollupKey, Truth> groundTruth(List<KeyValue<String, EnrichedEvent>> enriched, long[] excluded) {
        Map<RollupKey, Truth> truth = new HashMap<>();
        long streamTime = Long.MIN_VALUE;
        for (KeyValue<String, EnrichedEvent> record : enriched) {
            EnrichedEvent event = record.value;
            long time = event.getEvent().getReceivedAt().toEpochMilli();
            streamTime = Math.max(streamTime, time);
            if (event.getBot()) {
                excluded[0]++;
                continue;
            }
            if (Buckets.isClosed(Granularity.MINUTE, Buckets.start(Granularity.MINUTE, time), GRACE.toMillis(), streamTime)) {
                excluded[1]++;
                continue;
            }
            String[] values = Dimension.valuesOf(event);
            for (Dimension dimension : Dimension.values()) {
                String value = values[dimension.ordinal()];
                if (value == null) {
                    continue;
                }
                for (Granularity granularity : Granularity.values()) {
                    RollupKey key = RollupKey.newBuilder().setSiteId(event.getEvent().getSiteId()).setGranularity(granularity)
                            .setDimension(dimension.key()).setDimensionValue(value)
                            .setBucketStart(Instant.ofEpochMilli(Buckets.start(granularity, time))).build();
                    Truth t = truth.computeIfAbsent(key, k -> new Truth());
                    if (event.getEvent().getType() == EventType.PAGEVIEW) {
                        t.pageviews++;
                    } else {
                        t.customEvents++;
                    }
                    t.visitors.add(event.getEvent().getVisitorId());
                    Double v = event.getEvent().getValue();
                    if (v != null) {
                        t.valueCount++;
                        t.valueSum += v;
                        t.valueMin = t.valueMin == null ? v : Math.min(t.valueMin, v);
                        t.valueMax = t.valueMax == null ? v : Math.max(t.valueMax, v);
                    }
                }
            }
        }
        return truth;
    }

    /** Every hour equals its minutes and every day its hours: counts, sums, min, max and the sketch union. */
    static void assertTiersAgree(Map<RollupKey, Rollup> latest) {
        Map<RollupKey, List<Rollup>> parts = new HashMap<>();
        for (Map.Entry<RollupKey, Rollup> entry : latest.entrySet()) {
            RollupKey key = entry.getKey();
            if (key.getGranularity() == Granularity.DAY) {
                continue;
            }
            Granularity coarser = key.getGranularity() == Granularity.MINUTE ? Granularity.HOUR : Granularity.DAY;
            RollupKey parent = RollupKey.newBuilder(key).setGranularity(coarser)
                    .setBucketStart(Instant.ofEpochMilli(Buckets.start(coarser, key.getBucketStart().toEpochMilli()))).build();
            parts.computeIfAbsent(parent, k -> new ArrayList<>()).add(entry.getValue());
        }
        for (Map.Entry<RollupKey, Rollup> entry : latest.entrySet()) {
            if (entry.getKey().getGranularity() == Granularity.MINUTE) {
                continue;
            }
            Rollup whole = entry.getValue();
            List<Rollup> children = parts.get(entry.getKey());
            String where = entry.getKey().toString();
            assertThat(children).as(where).isNotEmpty();
            assertThat(children.stream().mapToLong(Rollup::getPageviews).sum()).as(where).isEqualTo(whole.getPageviews());
            assertThat(children.stream().mapToLong(Rollup::getCustomEvents).sum()).as(where).isEqualTo(whole.getCustomEvents());
            assertThat(children.stream().mapToLong(Rollup::getValueCount).sum()).as(where).isEqualTo(whole.getValueCount());
            assertThat(children.stream().mapToDouble(Rollup::getValueSum).sum()).as(where).isEqualTo(whole.getValueSum());
            assertThat(children.stream().map(Rollup::getValueMin).filter(v -> v != null).min(Double::compare).orElse(null))
                    .as(where).isEqualTo(whole.getValueMin());
            assertThat(children.stream().map(Rollup::getValueMax).filter(v -> v != null).max(Double::compare).orElse(null))
                    .as(where).isEqualTo(whole.getValueMax());
            // The composite estimate is a function of the registers alone (getEstimate may use the HIP
            // accumulator, which depends on the order of updates): equal composites, equal registers.
            Union ofChildren = new Union(12);
            children.forEach(child -> ofChildren.update(RollupTopologyTest.sketch(child)));
            assertThat(ofChildren.getResult(TgtHllType.HLL_4).getCompositeEstimate()).as(where + " sketch union")
                    .isEqualTo(RollupTopologyTest.sketch(whole).getCompositeEstimate());
        }
    }
}
