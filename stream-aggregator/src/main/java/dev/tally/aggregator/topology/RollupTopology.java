package dev.tally.aggregator.topology;

import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;

/**
 * Wires the aggregation; no I/O here, so it runs unchanged under {@code TopologyTestDriver}.
 *
 * <p>In: {@code <ns>.events.raw} (String key, {@code TrackedEvent}), event time = receive time.
 * Out: {@code <ns>.rollups.minute} ({@code RollupKey}, {@code Rollup}) for the {@code total} dimension
 * of each site: page views, custom events and value statistics per minute, re-emitted on every
 * commit while the window is open.
 */
public final class RollupTopology {
    private final TopicCatalogue topics;
    private final Duration grace;
    private final Clock clock;

    public RollupTopology(TopicCatalogue topics, Duration grace, Clock clock) {
        this.topics = topics;
        this.grace = grace;
        this.clock = clock;
    }

    public Topology build() {
        Topic<String, TrackedEvent> raw = topics.rawEvents();
        Topic<RollupKey, Rollup> minutes = topics.rollups(Granularity.MINUTE);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(raw.name(), Consumed.with(Serdes.String(), raw.valueSerde())
                        .withTimestampExtractor(new ReceivedAtTimestamp())
                        .withName("raw-events"))
                .groupBy((key, event) -> event.getSiteId(), Grouped.with("by-site", Serdes.String(), raw.valueSerde()))
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), grace))
                .aggregate(MinuteCounts::empty, (site, event, rollup) -> MinuteCounts.add(event, rollup),
                        Named.as("total-per-minute"),
                        Materialized.<String, Rollup, org.apache.kafka.streams.state.WindowStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("total-per-minute-store")
                                .withKeySerde(Serdes.String())
                                .withValueSerde(minutes.valueSerde()))
                .toStream(Named.as("total-per-minute-changes"))
                .map((window, rollup) -> {
                    Instant start = window.window().startTime();
                    return KeyValue.pair(MinuteCounts.key(window.key(), start),
                            MinuteCounts.stamped(rollup, window.key(), start, clock.instant()));
                }, Named.as("to-rollup-records"))
                .to(minutes.name(), Produced.with(minutes.keySerde(), minutes.valueSerde()).withName("minute-rollups"));
        return builder.build();
    }
}
