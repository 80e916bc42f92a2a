package dev.tally.sink.pipeline;

import dev.tally.sink.pipeline.SourcePosition.SourcePartition;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which offsets of each partition may be committed: every record received is unacknowledged until its
 * write (or dead letter) is acknowledged, and a partition's committable offset is its lowest
 * unacknowledged offset, or one past the highest received once all are acknowledged. Records of a
 * partition may be acknowledged in any order (writes complete out of order); the committable offset
 * only ever moves past records that are all stored.
 *
 * <p>Not thread-safe: the consumer thread alone calls it.
 */
public final class OffsetTracker {

    private static final class PartitionState {
        /** Offset to the number of writes still to be acknowledged for it. */
        final TreeMap<Long, Integer> unacknowledged = new TreeMap<>();
        long nextAfterHighest = -1;
        long committed = -1;
    }

    private final Map<SourcePartition, PartitionState> partitions = new HashMap<>();

    /** A record was consumed: it is unacknowledged until one write for it is acknowledged. */
    public void received(SourcePosition position) {
        PartitionState state = partitions.computeIfAbsent(position.source(), p -> new PartitionState());
        state.unacknowledged.put(position.offset(), 1);
        state.nextAfterHighest = Math.max(state.nextAfterHighest, position.offset() + 1);
    }

    /** The record needs {@code writes} acknowledged writes (for example one per table) instead of one. */
    public void expectWrites(SourcePosition position, int writes) {
        if (writes < 1) {
            throw new IllegalArgumentException("a record needs at least one write, not " + writes);
        }
        PartitionState state = partitions.get(position.source());
        if (state != null) {
            state.unacknowledged.computeIfPresent(position.offset(), (offset, count) -> writes);
        }
    }

    /** One write of a record was acknowledged. Unknown partitions (revoked meanwhile) and offsets are ignored. */
    public void acknowledged(SourcePosition position) {
        PartitionState state = partitions.get(position.source());
        if (state != null) {
            state.unacknowledged.computeIfPresent(position.offset(), (offset, count) -> count == 1 ? null : count - 1);
        }
    }

    /** Offsets to commit now: for each partition whose committable offset moved since {@link #committed}. */
    public Map<SourcePartition, Long> committable() {
        Map<SourcePartition, Long> offsets = new HashMap<>();
        partitions.forEach((partition, state) -> {
            long next = state.unacknowledged.isEmpty() ? state.nextAfterHighest : state.unacknowledged.firstKey();
            if (next > state.committed) {
                offsets.put(partition, next);
            }
        });
        return offsets;
    }

    /** Records that {@code offsets} were committed, so they are not offered again. */
    public void committed(Map<SourcePartition, Long> offsets) {
        offsets.forEach((partition, offset) -> {
            PartitionState state = partitions.get(partition);
            if (state != null) {
                state.committed = Math.max(state.committed, offset);
            }
        });
    }

    /** Records received and not yet acknowledged, over every partition. */
    public int unacknowledged() {
        int count = 0;
        for (PartitionState state : partitions.values()) {
            count += state.unacknowledged.size();
        }
        return count;
    }

    /** Drops partitions this consumer no longer owns: their new owner replays from the last commit. */
    public void forget(Collection<SourcePartition> revoked) {
        revoked.forEach(partitions::remove);
    }
}
