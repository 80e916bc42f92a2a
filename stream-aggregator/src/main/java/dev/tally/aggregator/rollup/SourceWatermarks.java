package dev.tally.aggregator.rollup;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Decides up to which stream time the merge step may close buckets: the slowest input partition's
 * stream time, so a partition that lags behind the others (after a restart, a rebalance, or simply more
 * traffic) never finds the minutes of its partials already closed.
 *
 * <p>A partition that keeps reporting that it read nothing for {@code idleAfter} is idle, not lagging: its
 * consumer is at the end of the partition, so the next event it reads was received by a gateway about
 * now. It then counts as being at {@code now - idleAfter} (or its own stream time, if later) until it
 * reads again. That is what lets the last minutes before a quiet period close without waiting for new
 * traffic (event time is the gateways' receive time, so wall clock bounds it), and it is the only place
 * wall-clock time enters. A partition that stops reporting at all keeps holding the others back at its
 * last stream time: it may be restarting or moving to another instance with a backlog.
 *
 * <p>Nothing closes before every input partition has reported once: the merge step is told how many
 * there are ({@code inputPartitions}, read from the topic at start-up), so a pre-aggregation task that
 * starts late never finds its minutes closed by the others. Where that count is not known (0), nothing
 * closes for {@code idleAfter} after the merge task starts instead, a guess that partitions it has never
 * heard of report within that time. Stream times are durable (part of the merge task's state); activity
 * is not, so after a restart every known partition counts as reading until it reports otherwise.
 */
public final class SourceWatermarks {
    private final BucketStore store;
    private final int inputPartitions;
    private final long idleAfterMs;
    private final long startedAtMs;
    private final Map<Integer, Activity> activity = new HashMap<>();

    private static final class Activity {
        long lastHeardMs;
        long lastReadMs;

        Activity(long nowMs) {
            lastHeardMs = nowMs;
            lastReadMs = nowMs;
        }

        boolean idle(long idleAfterMs) {
            return lastHeardMs - lastReadMs >= idleAfterMs;
        }
    }

    /**
     * @param inputPartitions how many input partitions report to the merge step; 0 when not known
     * @param idleAfterMs     how long a partition must report reading nothing to count as idle
     */
    public SourceWatermarks(BucketStore store, int inputPartitions, long idleAfterMs, long nowMs) {
        if (inputPartitions < 0) {
            throw new IllegalArgumentException("inputPartitions must be 0 (not known) or more, got " + inputPartitions);
        }
        this.store = store;
        this.inputPartitions = inputPartitions;
        this.idleAfterMs = idleAfterMs;
        this.startedAtMs = nowMs;
        store.sourceStreamTimes().keySet().forEach(source -> activity.put(source, new Activity(nowMs)));
    }

    public void record(SourceProgress progress, long nowMs) {
        Activity source = activity.computeIfAbsent(progress.source(), s -> new Activity(nowMs));
        source.lastHeardMs = nowMs;
        if (progress.readRecords()) {
            source.lastReadMs = nowMs;
        }
        Long known = store.sourceStreamTimes().get(progress.source());
        if (progress.streamTimeMs() >= 0 && (known == null || progress.streamTimeMs() > known)) {
            store.setSourceStreamTime(progress.source(), progress.streamTimeMs());
        }
    }

    /** The stream time buckets may be closed up to now, or empty while that cannot be known yet. */
    public OptionalLong closableUpTo(long nowMs) {
        if (activity.isEmpty() || !everyPartitionHasReported(nowMs)) {
            return OptionalLong.empty();
        }
        Map<Integer, Long> streamTimes = store.sourceStreamTimes();
        long slowest = Long.MAX_VALUE;
        for (Map.Entry<Integer, Activity> source : activity.entrySet()) {
            Long streamTime = streamTimes.get(source.getKey());
            if (source.getValue().idle(idleAfterMs)) {
                slowest = Math.min(slowest, Math.max(streamTime == null ? Long.MIN_VALUE : streamTime, nowMs - idleAfterMs));
            } else if (streamTime == null) {
                return OptionalLong.empty(); // reading, but no stream time yet: it may hold anything
            } else {
                slowest = Math.min(slowest, streamTime);
            }
        }
        return OptionalLong.of(slowest);
    }

    private boolean everyPartitionHasReported(long nowMs) {
        if (inputPartitions == 0) {
            return nowMs - startedAtMs >= idleAfterMs;
        }
        for (int partition = 0; partition < inputPartitions; partition++) {
            if (!activity.containsKey(partition)) {
                return false;
            }
        }
        return true;
    }
}
