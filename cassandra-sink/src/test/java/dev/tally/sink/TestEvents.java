package dev.tally.sink;

import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.TrackedEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Test data: enriched events and rollup records as the stream aggregator writes them. */
public final class TestEvents {
    private TestEvents() {
    }

    /** A page view with every optional field set. */
    public static EnrichedEvent fullEvent(String siteId, Instant receivedAt) {
        TrackedEvent event = TrackedEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setSiteId(siteId)
                .setReceivedAt(receivedAt)
                .setClientTime(receivedAt.minusMillis(1_234))
                .setType(EventType.CUSTOM)
                .setName("signup")
                .setUrl("https://shop.example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=launch&utm_term=t&utm_content=c")
                .setReferrer("https://www.google.com/")
                .setTitle("Prices & plans <b>")
                .setLanguage("fr-CH")
                .setScreenWidth(1280)
                .setUserAgent("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
                .setVisitorId("218ae7f50f16445ed2f1d9ea3bee97c7")
                .setNewVisitor(true)
                .setValue(49.5)
                .setCurrency("EUR")
                .setProps(Map.of("plan", "pro", "seats", "5"))
                .setClientIp("203.0.113.7")
                .build();
        return EnrichedEvent.newBuilder()
                .setEvent(event)
                .setPath("/pricing")
                .setUrlHost("shop.example.com")
                .setBrowser("Firefox")
                .setBrowserVersion("128")
                .setOs("Linux")
                .setDeviceType("desktop")
                .setBot(true)
                .setReferrerHost("google.com")
                .setChannel("search")
                .setUtmSource("newsletter")
                .setUtmMedium("email")
                .setUtmCampaign("launch")
                .setUtmTerm("t")
                .setUtmContent("c")
                .build();
    }

    /** A page view with only the required fields; every optional one takes its default. */
    public static EnrichedEvent sparseEvent(String siteId, Instant receivedAt) {
        return sparseEvent(siteId, receivedAt, UUID.randomUUID().toString());
    }

    public static EnrichedEvent sparseEvent(String siteId, Instant receivedAt, String eventId) {
        TrackedEvent event = TrackedEvent.newBuilder()
                .setEventId(eventId)
                .setSiteId(siteId)
                .setReceivedAt(receivedAt)
                .setType(EventType.PAGEVIEW)
                .setName("pageview")
                .setUrl("https://example.com/")
                .setVisitorId("v-" + eventId.substring(0, Math.min(8, eventId.length())))
                .build();
        return EnrichedEvent.newBuilder().setEvent(event).setPath("/").setChannel("direct").build();
    }

    /** A rollup record of one bucket with the given counts; the sketch is opaque bytes to the sink. */
    public static Rollup rollup(String siteId, Granularity granularity, String dimension, String value, Instant bucketStart,
                                long pageviews, Instant updatedAt, boolean finalized) {
        return Rollup.newBuilder()
                .setSiteId(siteId)
                .setGranularity(granularity)
                .setDimension(dimension)
                .setDimensionValue(value)
                .setBucketStart(bucketStart)
                .setPageviews(pageviews)
                .setCustomEvents(pageviews / 10)
                .setVisitorsSketch(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) pageviews}))
                .setVisitorsEstimate(pageviews / 2.0)
                .setValueCount(pageviews > 5 ? 2 : 0)
                .setValueSum(pageviews > 5 ? 12.5 : 0)
                .setValueMin(pageviews > 5 ? 2.5 : null)
                .setValueMax(pageviews > 5 ? 10.0 : null)
                .setFinalized(finalized)
                .setUpdatedAt(updatedAt)
                .build();
    }
}
