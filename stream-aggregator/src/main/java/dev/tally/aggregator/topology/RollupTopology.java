package dev.tally.aggregator.topology;

import dev.tally.aggregator.enrich.Enricher;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Wires enrichment and the rollups; no I/O here, so it runs unchanged under {@code TopologyTestDriver}.
 *
 * <ol>
 *   <li>{@code <ns>.events.raw} (key site|visitor, {@code TrackedEvent}; event time = receive time) is
 *       enriched and written to {@code <ns>.events.enriched} (same key, {@code EnrichedEvent}), bots included.</li>
 *   <li>In the same task, {@link PreAggregateProcessor} sums each input partition's accepted events per
 *       (site, minute) and drains them as partials once per commit interval.</li>
 *   <li>Partials are repartitioned by site ({@code site-partials}), and {@link MergeProcessor} merges them
 *       into minute, hour and day buckets of every dimension, written to {@code <ns>.rollups.minute|hour|day}
 *       (key {@code RollupKey}, value {@code Rollup}).</li>
 * </ol>
 */
public final class RollupTopology {
    static final String WRITE_AHEAD_STORE = "pre-aggregate-write-ahead";
    /** One entry per (bucket, dimension value); a new name because the layout of "rollup-buckets" (one entry per bucket) differs. */
    static final String BUCKET_STORE = "rollup-bucket-values";
    static final String MERGE_JOURNAL_STORE = "merge-journal";

    private final TopicCatalogue topics;
    private final Enricher enricher;
    private final Settings settings;
    private final Clock clock;
    private final RollupCounters counters;

    /**
     * @param grace           how late an event may be and still count (by event time, against stream time)
     * @param publishInterval how often open buckets are drained and re-published; the commit interval
     * @param bufferEvents    capacity of the pre-aggregation write-ahead ring per input partition
     * @param sourceIdleAfter how long an input partition must report reading nothing before buckets close
     *                        without waiting for it (see {@code SourceWatermarks})
     * @param inputPartitions the raw events topic's partition count, so that nothing closes before each has
     *                        reported; 0 when not known (then nothing closes for {@code sourceIdleAfter} after a start)
     * @param preAggregate    false sends every event on to the merge step alone, as a topology without the
     *                        pre-aggregation would: only for measuring what it buys ({@code bench/aggregator.sh})
     */
    public record Settings(Duration grace, Duration publishInterval, int bufferEvents, Duration sourceIdleAfter, int inputPartitions,
                           boolean preAggregate) {
        /** With the pre-aggregation, as the aggregator always runs. */
        public Settings(Duration grace, Duration publishInterval, int bufferEvents, Duration sourceIdleAfter, int inputPartitions) {
            this(grace, publishInterval, bufferEvents, sourceIdleAfter, inputPartitions, true);
        }
    }

    public RollupTopology(TopicCatalogue topics, Enricher enricher, Settings settings, Clock clock, RollupCounters counters) {
        this.topics = topics;
        this.enricher = enricher;
        this.settings = settings;
        this.clock = clock;
        this.counters = counters;
    }

    public Topology build() {
        Topic<String, TrackedEvent> raw = topics.rawEvents();
        Topic<String, EnrichedEvent> enrichedTopic = topics.enrichedEvents();
        Topic<RollupKey, Rollup> minutes = topics.rollups(Granularity.MINUTE);
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(WRITE_AHEAD_STORE), Serdes.Long(), Serdes.ByteArray()));
        // No record cache: the merger already holds changed values in memory and writes each once per
        // checkpoint; a cache over hundreds of thousands of small entries only evicted (measured).
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(BUCKET_STORE), Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(MERGE_JOURNAL_STORE), Serdes.Long(), Serdes.ByteArray()));

        KStream<String, EnrichedEvent> enriched = builder.stream(raw.name(), Consumed.with(Serdes.String(), raw.valueSerde())
                        .withTimestampExtractor(new ReceivedAtTimestamp())
                        .withName("raw-events"))
                .filter((key, event) -> event != null, Named.as("skip-tombstones"))
                .mapValues(enricher::enrich, Named.as("enrich"));
        enriched.to(enrichedTopic.name(), Produced.with(Serdes.String(), enrichedTopic.valueSerde()).withName("enriched-events"));

        enriched.process(() -> new PreAggregateProcessor(WRITE_AHEAD_STORE, settings.grace(), settings.publishInterval(),
                                settings.bufferEvents(), settings.preAggregate(), counters),
                        Named.as("pre-aggregate"), WRITE_AHEAD_STORE)
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("site-partials")
                        .withStreamPartitioner(new HeartbeatsToEveryPartition()))
                .process(() -> new MergeProcessor(BUCKET_STORE, MERGE_JOURNAL_STORE, settings.grace(), settings.publishInterval(),
                                settings.sourceIdleAfter(), settings.inputPartitions(), clock, counters),
                        Named.as("merge"), BUCKET_STORE, MERGE_JOURNAL_STORE)
                .to((key, value, context) -> topics.rollups(key.getGranularity()).name(),
                        Produced.with(minutes.keySerde(), minutes.valueSerde()).withName("rollups"));
        return builder.build();
    }
}
