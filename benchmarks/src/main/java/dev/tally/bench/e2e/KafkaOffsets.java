package dev.tally.bench.e2e;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Offsets through the Kafka Admin API: records in topics, and the lag of consumer groups.
 *
 * <p>End offsets are read with {@code read_committed}: the last stable offset, so records of a transaction
 * still open (the aggregator writes exactly-once) are neither counted as output nor as lag. Offsets also
 * count transaction markers (one per partition and commit), a few per second against thousands of
 * records: negligible, and the same in every step.
 */
final class KafkaOffsets implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 15;
    private final Admin admin;
    private final Map<String, Set<TopicPartition>> partitions = new HashMap<>();

    KafkaOffsets(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "tally-e2e-benchmark"));
    }

    /** Partitions of {@code topics}. */
    int partitions(Collection<String> topics) {
        return partitionsOf(topics).size();
    }

    /** Sum of the end offsets of every partition of {@code topics}. */
    long records(Collection<String> topics) {
        return endOffsets(partitionsOf(topics)).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Records on {@code topics} (and on any other topic the group has committed offsets for, such as
     * the aggregator's repartition topic) that the group has not committed yet.
     */
    long lag(String group, Collection<String> topics) {
        Map<TopicPartition, Long> committed = committed(group);
        Set<TopicPartition> all = new HashSet<>(partitionsOf(topics));
        all.addAll(committed.keySet());
        return lag(endOffsets(all), committed, startOffsets(all));
    }

    /**
     * Lag from offsets: per partition end minus committed; a partition the group has not committed yet
     * counts from its first offset (everything in it is still to be read).
     */
    static long lag(Map<TopicPartition, Long> end, Map<TopicPartition, Long> committed, Map<TopicPartition, Long> start) {
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            long from = committed.getOrDefault(entry.getKey(), start.getOrDefault(entry.getKey(), 0L));
            lag += Math.max(0, entry.getValue() - from);
        }
        return lag;
    }

    private Map<TopicPartition, Long> committed(String group) {
        Map<TopicPartition, OffsetAndMetadata> offsets = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> committed = new HashMap<>();
        offsets.forEach((partition, offset) -> {
            if (offset != null) {
                committed.put(partition, offset.offset());
            }
        });
        return committed;
    }

    private Map<TopicPartition, Long> endOffsets(Set<TopicPartition> of) {
        return offsets(of, OffsetSpec.latest());
    }

    private Map<TopicPartition, Long> startOffsets(Set<TopicPartition> of) {
        return offsets(of, OffsetSpec.earliest());
    }

    private Map<TopicPartition, Long> offsets(Set<TopicPartition> of, OffsetSpec spec) {
        if (of.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        of.forEach(partition -> request.put(partition, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
                get(admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    private synchronized Set<TopicPartition> partitionsOf(Collection<String> topics) {
        Set<TopicPartition> all = new HashSet<>();
        for (String topic : topics) {
            Set<TopicPartition> known = partitions.get(topic);
            if (known == null) {
                TopicDescription description = get(admin.describeTopics(Set.of(topic)).allTopicNames()).get(topic);
                known = new HashSet<>();
                for (var info : description.partitions()) {
                    known.add(new TopicPartition(topic, info.partition()));
                }
                partitions.put(topic, known);
            }
            all.addAll(known);
        }
        return all;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading offsets", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not read offsets from Kafka: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
