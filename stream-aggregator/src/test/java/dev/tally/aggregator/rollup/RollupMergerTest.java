package dev.tally.aggregator.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The merge step's state handling without Kafka Streams: changed values live in memory until a
 * checkpoint, so a merger rebuilt from its store plus the partials since the last checkpoint (what the
 * merge processor's journal replays after a crash) must end exactly where one that never stopped ends.
 */
class RollupMergerTest {
    private static final long GRACE_MS = Duration.ofMinutes(10).toMillis();
    private static final Instant START = Instant.parse("2026-11-22T09:00:00Z");
    /** A wall clock far past the events: open minutes are then not re-published, only finals. */
    private static final Instant LATER = START.plus(Duration.ofDays(2));
    private static final Instant DURING = START.plus(Duration.ofMinutes(5));

    private final List<Map.Entry<RollupKey, Rollup>> published = new ArrayList<>();
    private final RollupRecords.Sink sink = (key, value) -> published.add(Map.entry(key, value));

    /**
     * {@code count} drains of {@code eventsEach} events over {@code spanMinutes} from START: a slice of a
     * few events travels as it is, a busier one summed.
     */
    private static List<SitePartial> partials(long seed, int count, int eventsEach, int spanMinutes) {
        Random random = new Random(seed);
        List<SitePartial> partials = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PartialBuffer buffer = new PartialBuffer();
            for (int j = 0; j < eventsEach; j++) {
                long time = START.toEpochMilli() + random.nextInt((int) Duration.ofMinutes(spanMinutes).toMillis());
                String[] values = new String[Dimension.values().length];
                values[Dimension.TOTAL.ordinal()] = "";
                values[Dimension.PAGE.ordinal()] = "/p" + random.nextInt(30);
                values[Dimension.BROWSER.ordinal()] = random.nextBoolean() ? "Chrome" : "Firefox";
                buffer.add(new RollupInput("site" + random.nextInt(3), time, random.nextInt(10) > 0,
                        random.nextInt(4) == 0 ? (double) random.nextInt(100) : null, "v" + random.nextInt(400), values));
            }
            partials.addAll(buffer.drain());
        }
        return partials;
    }

    /** The last record per key, as a compacted topic keeps it, finals only. */
    private Map<RollupKey, Rollup> finals() {
        Map<RollupKey, Rollup> finals = new LinkedHashMap<>();
        published.stream().filter(e -> e.getValue().getFinalized()).forEach(e -> finals.put(e.getKey(), e.getValue()));
        return finals;
    }

    private static Map<RollupKey, String> comparable(Map<RollupKey, Rollup> records) {
        Map<RollupKey, String> view = new LinkedHashMap<>();
        records.forEach((key, value) -> view.put(key, value.getPageviews() + "/" + value.getCustomEvents() + "/"
                + value.getValueCount() + "/" + value.getValueSum() + "/" + value.getValueMin() + "/" + value.getValueMax() + "/"
                + java.util.HexFormat.of().formatHex(value.getVisitorsSketch().duplicate().array())));
        return view;
    }

    @Test
    void a_merger_rebuilt_from_its_store_and_the_partials_since_the_last_checkpoint_ends_where_an_unbroken_one_does() {
        List<SitePartial> first = partials(1, 300, 5, 90);
        List<SitePartial> second = partials(2, 100, 200, 2);
        assertThat(first).allSatisfy(partial -> assertThat(partial.events()).isNotNull());
        assertThat(second).anySatisfy(partial -> assertThat(partial.summed()).isNotNull());
        long end = START.plus(Duration.ofDays(1)).plus(Duration.ofHours(1)).toEpochMilli();

        RollupMerger unbroken = new RollupMerger(new InMemoryBucketStore(), GRACE_MS, late -> {});
        first.forEach(unbroken::accept);
        unbroken.checkpoint(LATER, sink);
        second.forEach(unbroken::accept);
        unbroken.closeUpTo(end, LATER, sink);
        Map<RollupKey, String> expected = comparable(finals());

        published.clear();
        InMemoryBucketStore store = new InMemoryBucketStore();
        RollupMerger crashed = new RollupMerger(store, GRACE_MS, late -> {});
        first.forEach(crashed::accept);
        crashed.checkpoint(LATER, sink);
        second.forEach(crashed::accept); // then the process dies: its memory is gone, the store is as checkpointed
        RollupMerger restarted = new RollupMerger(store, GRACE_MS, late -> {});
        second.forEach(restarted::accept); // the journal's replay
        restarted.closeUpTo(end, LATER, sink);

        assertThat(comparable(finals())).isEqualTo(expected);
        assertThat(expected.keySet()).extracting(RollupKey::getGranularity).contains(Granularity.MINUTE, Granularity.HOUR, Granularity.DAY);
        restarted.checkpoint(LATER, sink);
        assertThat(store.all()).as("every bucket closed and removed").isEmpty();
    }

    @Test
    void a_value_is_written_to_the_store_once_per_checkpoint_however_many_partials_changed_it() {
        InMemoryBucketStore store = new InMemoryBucketStore();
        RollupMerger merger = new RollupMerger(store, GRACE_MS, late -> {});
        String[] values = new String[Dimension.values().length];
        values[Dimension.TOTAL.ordinal()] = "";
        for (int i = 0; i < 50; i++) {
            PartialBuffer buffer = new PartialBuffer();
            buffer.add(new RollupInput("site", START.toEpochMilli() + i, true, null, "v" + i, values));
            buffer.drain().forEach(merger::accept);
        }
        assertThat(store.writes).isZero();
        merger.checkpoint(DURING, sink);

        assertThat(store.writes).isEqualTo(1);
        assertThat(published).singleElement().satisfies(record -> {
            assertThat(record.getValue().getPageviews()).isEqualTo(50);
            assertThat(record.getValue().getFinalized()).isFalse();
        });
    }

    @Test
    void publishing_open_minutes_writes_nothing_and_publishes_each_change_once() {
        InMemoryBucketStore store = new InMemoryBucketStore();
        RollupMerger merger = new RollupMerger(store, GRACE_MS, late -> {});
        String[] chrome = new String[Dimension.values().length];
        chrome[Dimension.TOTAL.ordinal()] = "";
        chrome[Dimension.BROWSER.ordinal()] = "Chrome";
        String[] firefox = chrome.clone();
        firefox[Dimension.BROWSER.ordinal()] = "Firefox";
        merger.accept(SitePartial.ofEvents("site", START.toEpochMilli(), List.of(
                new RollupInput("site", START.toEpochMilli(), true, null, "v1", chrome))));

        merger.publishOpen(DURING, sink);
        assertThat(published).extracting(record -> record.getKey().getDimensionValue()).containsExactlyInAnyOrder("", "Chrome");
        merger.publishOpen(DURING, sink);
        assertThat(published).as("nothing changed since").hasSize(2);

        merger.accept(SitePartial.ofEvents("site", START.toEpochMilli(), List.of(
                new RollupInput("site", START.toEpochMilli() + 1, true, null, "v2", firefox))));
        merger.publishOpen(DURING, sink);
        assertThat(published.subList(2, published.size())).extracting(record -> record.getKey().getDimensionValue())
                .containsExactlyInAnyOrder("", "Firefox");
        assertThat(published.get(published.size() - 1).getValue().getFinalized()).isFalse();
        assertThat(store.writes).as("publishing alone writes nothing to the store").isZero();

        merger.checkpoint(DURING, sink);
        assertThat(store.writes).isEqualTo(3);
        assertThat(published).as("the checkpoint has nothing left to publish").hasSize(4);
        merger.closeUpTo(START.plus(Duration.ofMinutes(12)).toEpochMilli(), DURING, sink);
        merger.publishOpen(DURING, sink);
        assertThat(published.subList(4, published.size())).isNotEmpty()
                .allSatisfy(record -> assertThat(record.getValue().getFinalized()).isTrue());
    }

    @Test
    void open_minutes_the_wall_clock_has_closed_are_not_re_published_only_their_final_records() {
        InMemoryBucketStore store = new InMemoryBucketStore();
        RollupMerger merger = new RollupMerger(store, GRACE_MS, late -> {});
        partials(3, 20, 5, 90).forEach(merger::accept);
        merger.checkpoint(LATER, sink);
        assertThat(published).isEmpty();
        assertThat(store.all()).isNotEmpty();

        merger.closeUpTo(START.plus(Duration.ofDays(2)).toEpochMilli(), LATER, sink);
        assertThat(published).isNotEmpty().allSatisfy(record -> assertThat(record.getValue().getFinalized()).isTrue());
    }
}
