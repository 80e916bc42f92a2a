package dev.tally.aggregator.rollup;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Decides up to which stream time the merge step may close buckets: the slowest input partition's
 * stream time, so a partition that lags behind the others (after a restart, a rebalance, or simply more
 * traffic) never finds the minutes of its partials already closed.
 *
 * <p>Two exceptions keep finalisation moving:
 * <ul>
 *   <li>A partition that keeps reporting that it read nothing for {@code idleAfter} is idle, not lagging
 *       (its consumer is at the end of the partition), and stops holding the others back until it reads
 *       again. A partition that stops reporting at all still holds them back: it may be restarting or
 *       moving to another instance with a backlog.</li>
 *   <li>If every known partition is idle, buckets close up to the furthest stream time any reported.</li>
 * </ul>
 * For {@code idleAfter} after the merge task starts nothing closes, so that partitions it has never heard
 * of (first start, new partitions) can report first.
 *
 * <p>Stream times are durable (they are part of the merge task's state); the activity clock is wall
 * clock and restarts with the task, so after a restart every known partition counts as active until it
 * reports otherwise.
 */
public final class SourceWatermarks {
    private final BucketStore store;
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

    public SourceWatermarks(BucketStore store, long idleAfterMs, long nowMs) {
        this.store = store;
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
        if (nowMs - startedAtMs < idleAfterMs) {
            return OptionalLong.empty();
        }
        Map<Integer, Long> streamTimes = store.sourceStreamTimes();
        long slowestActive = Long.MAX_VALUE;
        long furthest = Long.MIN_VALUE;
        for (Map.Entry<Integer, Activity> source : activity.entrySet()) {
            Long streamTime = streamTimes.get(source.getKey());
            if (source.getValue().idle(idleAfterMs)) {
                furthest = Math.max(furthest, streamTime == null ? Long.MIN_VALUE : streamTime);
            } else if (streamTime == null) {
                return OptionalLong.empty(); // reading, but no stream time yet: it may hold anything
            } else {
                slowestActive = Math.min(slowestActive, streamTime);
                furthest = Math.max(furthest, streamTime);
            }
        }
        if (slowestActive != Long.MAX_VALUE) {
            return OptionalLong.of(slowestActive);
        }
        return furthest == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(furthest);
    }
}
