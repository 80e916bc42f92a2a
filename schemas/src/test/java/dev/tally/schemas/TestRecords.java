package dev.tally.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;

/** Test data: each record with every field set, and with only the fields that have no default. */
public final class TestRecords {

    public static final Instant RECEIVED_AT = Instant.parse("2025-03-14T09:26:53.589Z");
    public static final Instant BUCKET_START = Instant.parse("2025-03-14T09:26:00Z");

    private TestRecords() {
    }

    public static TrackedEvent.Builder minimalTrackedEvent() {
        return TrackedEvent.newBuilder()
                .setEventId("5f0c6a3e-8a53-4a0e-9c43-2f1d0f6f7b21")
                .setSiteId("example.com")
                .setReceivedAt(RECEIVED_AT)
                .setType(EventType.PAGEVIEW)
                .setName("pageview")
                .setUrl("https://example.com/pricing?utm_source=news")
                .setVisitorId("v-9d2f31c4");
    }

    public static TrackedEvent.Builder fullTrackedEvent() {
        return minimalTrackedEvent()
                .setType(EventType.CUSTOM)
                .setName("signup")
                .setClientTime(RECEIVED_AT.minusMillis(1_250))
                .setReferrer("https://www.google.com/search?q=tally")
                .setTitle("Pricing · Example")
                .setLanguage("en-GB")
                .setScreenWidth(1440)
                .setUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
                .setNewVisitor(true)
                .setValue(49.5)
                .setCurrency("EUR")
                .setProps(Map.of("plan", "pro", "ab", "b"))
                .setClientIp("203.0.113.7");
    }

    public static EnrichedEvent.Builder minimalEnrichedEvent() {
        return EnrichedEvent.newBuilder()
                .setEvent(minimalTrackedEvent().build())
                .setPath("/pricing")
                .setChannel("direct");
    }

    public static EnrichedEvent.Builder fullEnrichedEvent() {
        return minimalEnrichedEvent()
                .setEvent(fullTrackedEvent().build())
                .setUrlHost("example.com")
                .setBrowser("Firefox")
                .setBrowserVersion("128")
                .setOs("Linux")
                .setDeviceType("desktop")
                .setBot(false)
                .setReferrerHost("google.com")
                .setChannel("search")
                .setUtmSource("news")
                .setUtmMedium("email")
                .setUtmCampaign("spring")
                .setUtmTerm("analytics")
                .setUtmContent("header-link");
    }

    public static RollupKey.Builder rollupKey() {
        return RollupKey.newBuilder()
                .setSiteId("example.com")
                .setGranularity(Granularity.MINUTE)
                .setDimension("page")
                .setDimensionValue("/pricing")
                .setBucketStart(BUCKET_START);
    }

    public static Rollup.Builder minimalRollup() {
        return Rollup.newBuilder()
                .setSiteId("example.com")
                .setGranularity(Granularity.MINUTE)
                .setDimension("page")
                .setDimensionValue("/pricing")
                .setBucketStart(BUCKET_START)
                .setUpdatedAt(RECEIVED_AT);
    }

    public static Rollup.Builder fullRollup() {
        return minimalRollup()
                .setPageviews(120)
                .setCustomEvents(7)
                .setVisitorsSketch(ByteBuffer.wrap("not-a-real-sketch".getBytes(StandardCharsets.US_ASCII)))
                .setVisitorsEstimate(88.4)
                .setValueCount(3)
                .setValueSum(148.5)
                .setValueMin(9.5)
                .setValueMax(99.0)
                .setFinalized(true);
    }
}
