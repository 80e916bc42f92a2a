package dev.tally.sink.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Groups writes by the Cassandra partition they land in, so that each group can go out as one
 * single-partition unlogged batch (one mutation on the replicas, no coordinator fan-out). Groups are
 * cut at {@code maxRows} rows or {@code maxBytes} bytes to keep each request small.
 */
public final class PartitionBatches {
    private PartitionBatches() {
    }

    public static <T, P> List<List<T>> group(List<T> items, Function<T, P> partitionOf, ToIntFunction<T> bytesOf,
                                            int maxRows, int maxBytes) {
        if (maxRows < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("maxRows and maxBytes must be positive");
        }
        Map<P, List<T>> byPartition = new LinkedHashMap<>();
        for (T item : items) {
            byPartition.computeIfAbsent(partitionOf.apply(item), p -> new ArrayList<>()).add(item);
        }
        List<List<T>> batches = new ArrayList<>();
        for (List<T> partition : byPartition.values()) {
            List<T> batch = new ArrayList<>();
            int bytes = 0;
            for (T item : partition) {
                int size = bytesOf.applyAsInt(item);
                if (!batch.isEmpty() && (batch.size() == maxRows || bytes + size > maxBytes)) {
                    batches.add(batch);
                    batch = new ArrayList<>();
                    bytes = 0;
                }
                batch.add(item);
                bytes += size;
            }
            batches.add(batch);
        }
        return batches;
    }
}
