package dev.tally.aggregator.topology;

import dev.tally.aggregator.rollup.SitePartial;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** Partials go to their site's partition (Kafka's default hashing); heartbeats go to every partition. */
final class HeartbeatsToEveryPartition implements StreamPartitioner<String, byte[]> {
    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, byte[] value, int numPartitions) {
        if (value != null && SitePartial.isHeartbeat(value)) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }
        return Optional.empty(); // default partitioning by key
    }
}
