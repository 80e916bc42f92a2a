package dev.tally.aggregator.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Both forms of a partial, their encoding, and that they count alike in the merge step. */
class SitePartialTest {
    private static final Instant MINUTE = Instant.parse("2026-11-22T09:00:00Z");
    private static final Instant LATER = MINUTE.plus(Duration.ofDays(2));

    private static List<RollupInput> events(long seed, int count) {
        Random random = new Random(seed);
        List<RollupInput> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String[] values = new String[Dimension.count()];
            values[Dimension.TOTAL.ordinal()] = "";
            values[Dimension.PAGE.ordinal()] = "/p" + random.nextInt(8);
            values[Dimension.BROWSER.ordinal()] = random.nextBoolean() ? "Chrome" : "Firefox";
            boolean custom = random.nextInt(5) == 0;
            values[Dimension.EVENT_NAME.ordinal()] = custom ? "signup" : null;
            events.add(new RollupInput("site.example", MINUTE.toEpochMilli() + random.nextInt(60_000), !custom,
                    custom ? random.nextInt(10_000) / 100.0 : null, "visitor" + random.nextInt(count), values));
        }
        return events;
    }

    private static SitePartial drainOne(List<RollupInput> events) {
        PartialBuffer buffer = new PartialBuffer();
        events.forEach(buffer::add);
        List<SitePartial> partials = buffer.drain();
        assertThat(partials).hasSize(1);
        return partials.get(0);
    }

    @Test
    void a_slice_travels_as_its_events_up_to_the_limit_and_summed_beyond_it() {
        SitePartial few = drainOne(events(1, PartialBuffer.EVENTS_KEPT_AS_IS));
        SitePartial many = drainOne(events(1, PartialBuffer.EVENTS_KEPT_AS_IS + 1));

        assertThat(few.summed()).isNull();
        assertThat(few.events()).hasSize(PartialBuffer.EVENTS_KEPT_AS_IS);
        assertThat(few.eventCount()).isEqualTo(PartialBuffer.EVENTS_KEPT_AS_IS);
        assertThat(many.events()).isNull();
        assertThat(many.summed()).isNotNull();
        assertThat(many.eventCount()).isEqualTo(PartialBuffer.EVENTS_KEPT_AS_IS + 1);
    }

    @Test
    void both_forms_and_heartbeats_survive_encoding() {
        SitePartial few = drainOne(events(2, 3));
        SitePartial decodedFew = SitePartial.fromBytes(few.toBytes());
        assertThat(decodedFew.siteId()).isEqualTo("site.example");
        assertThat(decodedFew.minuteStart()).isEqualTo(MINUTE.toEpochMilli());
        assertThat(decodedFew.events()).hasSize(3).extracting(RollupInput::visitorId)
                .containsExactlyElementsOf(few.events().stream().map(RollupInput::visitorId).toList());

        SitePartial many = drainOne(events(2, 100));
        SitePartial decodedMany = SitePartial.fromBytes(many.toBytes());
        assertThat(decodedMany.summed().metrics().keySet()).isEqualTo(many.summed().metrics().keySet());
        assertThat(decodedMany.eventCount()).isEqualTo(100);

        byte[] heartbeat = SitePartial.heartbeat(new SourceProgress(4, 1234L, true)).toBytes();
        assertThat(SitePartial.isHeartbeat(heartbeat)).isTrue();
        assertThat(SitePartial.isHeartbeat(few.toBytes())).isFalse();
        assertThat(SitePartial.isHeartbeat(many.toBytes())).isFalse();
        assertThat(SitePartial.fromBytes(heartbeat).progress()).isEqualTo(new SourceProgress(4, 1234L, true));
    }

    @Test
    void a_heartbeat_written_by_an_earlier_build_still_decodes() throws IOException {
        // Earlier builds wrote a boolean heartbeat flag where the form byte now is; partials written before
        // an upgrade may still wait in the repartition topic and the merge journal.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(Codec.VERSION);
            out.writeBoolean(true);
            out.writeInt(2);
            out.writeLong(99L);
            out.writeBoolean(false);
        }
        assertThat(SitePartial.isHeartbeat(bytes.toByteArray())).isTrue();
        assertThat(SitePartial.fromBytes(bytes.toByteArray()).progress()).isEqualTo(new SourceProgress(2, 99L, false));
    }

    @Test
    void a_minute_counts_the_same_from_events_as_from_their_sum() {
        List<RollupInput> events = events(3, 400);
        List<SitePartial> asEvents = new ArrayList<>();
        for (int from = 0; from < events.size(); from += 4) {
            asEvents.add(drainOne(events.subList(from, from + 4)));
        }
        List<SitePartial> summed = new ArrayList<>();
        for (int from = 0; from < events.size(); from += 100) {
            summed.add(drainOne(events.subList(from, from + 100)));
        }
        assertThat(asEvents).allSatisfy(partial -> assertThat(partial.summed()).isNull());
        assertThat(summed).allSatisfy(partial -> assertThat(partial.events()).isNull());

        assertThat(finalsOf(asEvents)).isEqualTo(finalsOf(summed)).isNotEmpty();
    }

    /**
     * The final minute records of a merger fed {@code partials} (encoded and decoded, as the topic carries
     * them); value sums to six decimals, as floating-point sums in another order may differ in the last bits.
     */
    private static Map<RollupKey, String> finalsOf(List<SitePartial> partials) {
        Map<RollupKey, String> finals = new LinkedHashMap<>();
        RollupMerger merger = new RollupMerger(new InMemoryBucketStore(), 0, late -> {});
        partials.forEach(partial -> merger.accept(SitePartial.fromBytes(partial.toBytes())));
        merger.closeUpTo(MINUTE.plus(Duration.ofMinutes(2)).toEpochMilli(), LATER, (RollupKey key, Rollup value) -> finals.put(key,
                String.format(Locale.ROOT, "%d/%d/%d/%.6f/%s/%s/%s", value.getPageviews(), value.getCustomEvents(),
                        value.getValueCount(), value.getValueSum(), value.getValueMin(), value.getValueMax(), value.getVisitorsEstimate())));
        return finals;
    }
}
