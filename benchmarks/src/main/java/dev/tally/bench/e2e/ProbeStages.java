package dev.tally.bench.e2e;

import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.RollupKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a freshness probe is on its way: the moment its page view becomes readable (read_committed) on
 * the enriched events topic, written by the aggregator's first exactly-once transaction, and the moment
 * its page's minute rollup becomes readable on the minute rollup topic, after the second (the merge by
 * site). The rest of a probe's freshness, up to the query API counting it, is the sink's flush, the write
 * to Cassandra and the query itself. Splitting the time this way shows which stage a freshness target is
 * missed in.
 *
 * <p>One consumer in the benchmark JVM, no group, every partition of both topics from their end at start:
 * it decodes the records of every site (the enriched topic carries the whole traffic) and keeps the first
 * sighting of each probe page, as {@link System#nanoTime()} like the probe's own 2xx time.
 */
final class ProbeStages implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeStages.class);
    private static final String PAGE_DIMENSION = "page";

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String probeSite;
    private final String enrichedTopic;
    private final String minuteTopic;
    private final Deserializer<EnrichedEvent> enriched;
    private final Deserializer<RollupKey> rollupKeys;
    private final Map<Integer, Long> enrichedNanos = new ConcurrentHashMap<>();
    private final Map<Integer, Long> rollupNanos = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stopping;

    ProbeStages(String bootstrapServers, TopicCatalogue topics, String probeSite) {
        this.probeSite = probeSite;
        this.enrichedTopic = topics.enrichedEvents().name();
        this.minuteTopic = topics.minuteRollups().name();
        this.enriched = topics.enrichedEvents().valueSerde().deserializer();
        this.rollupKeys = topics.minuteRollups().keySerde().deserializer();
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "tally-e2e-probe-stages",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // Sightings are timed by when a poll returns them: do not let the broker hold a fetch back.
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(enrichedTopic, minuteTopic)) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end offsets now, before the first probe is sent
        this.thread = new Thread(this::run, "e2e-probe-stages");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** When probe {@code number}'s page view became readable on the enriched events topic. */
    OptionalLong enrichedNanos(int number) {
        Long at = enrichedNanos.get(number);
        return at == null ? OptionalLong.empty() : OptionalLong.of(at);
    }

    /** When a minute rollup of probe {@code number}'s page became readable on the minute rollup topic. */
    OptionalLong rollupNanos(int number) {
        Long at = rollupNanos.get(number);
        return at == null ? OptionalLong.empty() : OptionalLong.of(at);
    }

    /**
     * Forgets a resolved probe's sightings. The open minute is re-published every second, so a sighting
     * may come back once after this: the maps hold at most an entry per probe sent, a few per second.
     */
    void forget(int number) {
        enrichedNanos.remove(number);
        rollupNanos.remove(number);
    }

    private void run() {
        try {
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    if (record.value() == null) {
                        continue;
                    }
                    if (record.topic().equals(enrichedTopic)) {
                        EnrichedEvent event = enriched.deserialize(record.topic(), record.value());
                        if (probeSite.equals(event.getEvent().getSiteId())) {
                            probeNumber(event.getPath()).ifPresent(n -> enrichedNanos.putIfAbsent(n, now));
                        }
                    } else {
                        RollupKey key = rollupKeys.deserialize(record.topic(), record.key());
                        if (probeSite.equals(key.getSiteId()) && PAGE_DIMENSION.equals(key.getDimension())) {
                            probeNumber(key.getDimensionValue()).ifPresent(n -> rollupNanos.putIfAbsent(n, now));
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.warn("Probe stage watcher stopped; freshness by stage will be incomplete: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The probe number of a page path {@code /probe-<n>} ({@link FreshnessProbe#path}), if it is one. */
    static OptionalInt probeNumber(String path) {
        if (path == null || !path.startsWith(FreshnessProbe.PATH_PREFIX)) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(path.substring(FreshnessProbe.PATH_PREFIX.length())));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    @Override
    public void close() {
        stopping = true;
        consumer.wakeup();
    }
}
