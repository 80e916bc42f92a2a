package dev.tally.aggregator.recompute;

import dev.tally.aggregator.rollup.DayRecomputation;
import dev.tally.aggregator.rollup.Dimension;
import dev.tally.aggregator.rollup.RollupInput;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.store.RawEventRow;
import dev.tally.store.RawEventTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Recomputes a site's rollups of whole UTC days from the raw events Cassandra keeps, and publishes them
 * to the rollup topics, where the sink stores them like any other rollup and downstream consumers see
 * the corrected values. This is how events the stream could not count are counted after all: those
 * that arrived after their minute's grace period, and keyed backfills with an old client time.
 *
 * <p>Every published record is final and carries a later {@code updatedAt} than what the stream wrote,
 * so it replaces the stream's row (the sink writes with that time as the Cassandra write time) and wins
 * compaction. A day is recomputed only once every minute of it has closed in the stream (day end plus
 * the grace period): otherwise the stream would still publish its own values for that day afterwards.
 */
public final class RollupRecompute {
    /** The {@code type} column's value for a page view, as {@code RawEventTable.bind} writes it. */
    private static final String PAGEVIEW = EventType.PAGEVIEW.name().toLowerCase(Locale.ROOT);

    private final RawEventTable rawEvents;
    private final Producer<RollupKey, Rollup> producer;
    private final TopicCatalogue topics;
    private final Duration grace;
    private final Clock clock;

    /** What one day's recomputation read and published. */
    public record DaySummary(LocalDate day, long rowsRead, long botsSkipped, long eventsCounted, Map<Granularity, Long> published) {}

    /**
     * @param grace the aggregator's grace period ({@code aggregator.grace}): days closer to now than their
     *              end plus this are refused
     */
    public RollupRecompute(RawEventTable rawEvents, Producer<RollupKey, Rollup> producer, TopicCatalogue topics, Duration grace, Clock clock) {
        this.rawEvents = rawEvents;
        this.producer = producer;
        this.topics = topics;
        this.grace = grace;
        this.clock = clock;
    }

    /** A producer for the rollup topics: acknowledged by every in-sync replica, idempotent. */
    public static Producer<RollupKey, Rollup> openProducer(String bootstrapServers, TopicCatalogue topics) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "tally-rollup-recompute");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        var topic = topics.rollups(Granularity.MINUTE); // every tier's topic has the same serdes
        return new KafkaProducer<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** Whether the stream has closed every minute of {@code day} by now. */
    public boolean isClosed(LocalDate day) {
        Instant closes = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(grace);
        return !clock.instant().isBefore(closes);
    }

    /**
     * Recomputes one day of one site and waits until Kafka acknowledged every record.
     *
     * @param backfillDays how many days after {@code day} to search for events received later with a client
     *                     time on {@code day} (keyed backfills); the day before is always searched, for
     *                     clocks slightly ahead across midnight
     * @throws IllegalArgumentException if the day has not closed yet
     * @throws IllegalStateException    if Kafka did not take every record
     */
    public DaySummary recompute(String siteId, LocalDate day, int backfillDays) {
        if (!isClosed(day)) {
            throw new IllegalArgumentException(day + " has not closed yet: the stream still counts its events until "
                    + day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(grace) + " (day end plus the grace period)");
        }
        DayRecomputation recomputation = new DayRecomputation(siteId, day);
        long[] rowsAndBots = new long[2];
        LocalDate lastReceived = day.plusDays(backfillDays);
        for (LocalDate received = day.minusDays(1); !received.isAfter(lastReceived); received = received.plusDays(1)) {
            rawEvents.forEachOfDay(siteId, received, row -> {
                rowsAndBots[0]++;
                RollupInput input = rollupInput(row);
                if (input == null) {
                    rowsAndBots[1]++;
                } else {
                    recomputation.add(input);
                }
            });
        }
        Map<Granularity, Long> published = publishAndWait(recomputation);
        return new DaySummary(day, rowsAndBots[0], rowsAndBots[1], recomputation.events(), published);
    }

    /**
     * What the rollups take of a stored event, with the stream's rules: bots are left out, and the event
     * time is the client's where the gateway accepted one, else the receive time.
     */
    static RollupInput rollupInput(RawEventRow row) {
        RawEventRow.Enrichment enriched = row.enrichment();
        if (Boolean.TRUE.equals(enriched.bot())) {
            return null;
        }
        boolean pageview = PAGEVIEW.equals(row.type());
        Instant eventTime = row.clientTime() != null ? row.clientTime() : row.eventTime();
        String[] dimensionValues = Dimension.valuesOf(enriched.path(), enriched.referrerHost(), enriched.channel(), enriched.utmSource(),
                enriched.utmCampaign(), pageview ? null : row.name(), enriched.browser(), enriched.os(), enriched.deviceType());
        return new RollupInput(row.siteId(), eventTime.toEpochMilli(), pageview, row.value(), row.visitorId(), dimensionValues);
    }

    private Map<Granularity, Long> publishAndWait(DayRecomputation recomputation) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong unacknowledged = new AtomicLong();
        Map<Granularity, Long> published = recomputation.publish(clock.instant(), (key, value) -> {
            unacknowledged.incrementAndGet();
            producer.send(new ProducerRecord<>(topics.rollups(key.getGranularity()).name(), key, value), (metadata, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                unacknowledged.decrementAndGet();
            });
        });
        producer.flush();
        if (failure.get() != null || unacknowledged.get() != 0) {
            throw new IllegalStateException("Kafka did not take every recomputed rollup: "
                    + (failure.get() == null ? unacknowledged.get() + " unacknowledged" : failure.get().getMessage()), failure.get());
        }
        return published;
    }
}
