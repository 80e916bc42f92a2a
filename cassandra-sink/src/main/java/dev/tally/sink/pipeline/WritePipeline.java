package dev.tally.sink.pipeline;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link WriteUnit}s with at most {@code maxInFlight} attempts at once, acknowledges the records
 * of every write that succeeded in the {@link OffsetTracker}, and retries failed writes with backoff
 * for as long as it takes: a write is never given up. While writes fail, only one attempt runs at a
 * time (a probe), so an outage costs one request per backoff period instead of a storm.
 *
 * <p>In: units from {@link #submitAll}. Out: acknowledgements in the tracker, and {@link #congested()},
 * which tells the consumer to stop fetching (pause its partitions) until writes catch up.
 *
 * <p>Only the consumer thread calls it; attempts complete on other threads and hand their outcome over
 * through a queue that {@link #pump()} drains.
 */
public final class WritePipeline {
    private static final Logger LOG = LoggerFactory.getLogger(WritePipeline.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** What happened to writes, for metrics. Called on the consumer thread. */
    public interface Listener {
        void written(WriteUnit unit);

        void retrying(WriteUnit unit, Throwable cause);
    }

    private record Outcome(WriteUnit unit, Throwable error) {
    }

    private final String name;
    private final int maxInFlight;
    private final int maxQueued;
    private final Backoff backoff;
    private final OffsetTracker tracker;
    private final Listener listener;
    private final LongSupplier nanoClock;
    private final ArrayDeque<WriteUnit> queued = new ArrayDeque<>();
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private int inFlight;
    private long notBeforeNanos;
    private long failingSinceNanos;
    private long lastWarningNanos;
    private long failuresSinceWarning;
    private boolean failing;

    /**
     * @param name for logs, e.g. {@code raw events}
     * @param maxQueued units waiting to start beyond which the pipeline reports congestion
     */
    public WritePipeline(String name, int maxInFlight, int maxQueued, Backoff backoff, OffsetTracker tracker, Listener listener,
                         LongSupplier nanoClock) {
        if (maxInFlight < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("maxInFlight must be positive and maxQueued not negative");
        }
        this.name = name;
        this.maxInFlight = maxInFlight;
        this.maxQueued = maxQueued;
        this.backoff = backoff;
        this.tracker = tracker;
        this.listener = listener;
        this.nanoClock = nanoClock;
    }

    /**
     * Queues writes. A record covered by several of them (a rollup goes to two tables) counts as
     * stored once all of those are acknowledged, so all writes of a record must come in one call.
     */
    public void submitAll(List<WriteUnit> units) {
        if (units.isEmpty()) {
            return;
        }
        Map<SourcePosition, Integer> writesPerRecord = new HashMap<>();
        for (WriteUnit unit : units) {
            for (SourcePosition position : unit.covers()) {
                writesPerRecord.merge(position, 1, Integer::sum);
            }
            queued.addLast(unit);
        }
        writesPerRecord.forEach((position, writes) -> {
            if (writes > 1) {
                tracker.expectWrites(position, writes);
            }
        });
    }

    /** Handles finished attempts, then starts queued units as far as the limit and the backoff allow. */
    public void pump() {
        Outcome outcome;
        while ((outcome = outcomes.poll()) != null) {
            handle(outcome);
        }
        long now = nanoClock.getAsLong();
        int limit = failing ? 1 : maxInFlight;
        while (inFlight < limit && !queued.isEmpty() && now - notBeforeNanos >= 0) {
            start(queued.pollFirst());
        }
    }

    private void handle(Outcome outcome) {
        inFlight--;
        WriteUnit unit = outcome.unit();
        if (outcome.error() == null) {
            for (SourcePosition position : unit.covers()) {
                tracker.acknowledged(position);
            }
            if (failing) {
                long seconds = TimeUnit.NANOSECONDS.toSeconds(nanoClock.getAsLong() - failingSinceNanos);
                LOG.info("{}: writes succeed again after {} s of failures; catching up", name, seconds);
                failing = false;
            }
            backoff.succeeded();
            listener.written(unit);
            return;
        }
        long now = nanoClock.getAsLong();
        // Attempts that were already running when the first failure came in fail as well; they do not
        // lengthen the wait.
        if (now - notBeforeNanos >= 0) {
            Duration delay = backoff.failed();
            notBeforeNanos = now + delay.toNanos();
            warn(unit, outcome.error(), delay, now);
        }
        failuresSinceWarning++;
        queued.addFirst(unit);
        listener.retrying(unit, outcome.error());
    }

    private void warn(WriteUnit unit, Throwable error, Duration delay, long now) {
        if (!failing) {
            failing = true;
            failingSinceNanos = now;
            failuresSinceWarning = 0;
            lastWarningNanos = now;
            LOG.warn("{}: a {} write failed ({}); retrying with backoff, not reading further meanwhile. "
                    + "Check that Cassandra is up and reachable; nothing is lost or committed until writes succeed.",
                    name, unit.kind(), describe(error));
        } else if (now - lastWarningNanos >= WARN_EVERY_NANOS) {
            LOG.warn("{}: writes still failing after {} s ({} failed attempts since the last report; last: {}); next retry in {} ms",
                    name, TimeUnit.NANOSECONDS.toSeconds(now - failingSinceNanos), failuresSinceWarning, describe(error), delay.toMillis());
            lastWarningNanos = now;
            failuresSinceWarning = 0;
        } else {
            LOG.debug("{}: retrying a {} write in {} ms after {}", name, unit.kind(), delay.toMillis(), describe(error));
        }
    }

    private static String describe(Throwable error) {
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private void start(WriteUnit unit) {
        inFlight++;
        CompletionStage<?> attempt;
        try {
            attempt = unit.attempt().get();
        } catch (RuntimeException e) {
            outcomes.add(new Outcome(unit, e));
            return;
        }
        attempt.whenComplete((result, error) -> outcomes.add(new Outcome(unit, error)));
    }

    /** True while the consumer should not fetch more: writes are failing, or more are waiting than may run. */
    public boolean congested() {
        return failing || inFlight >= maxInFlight || queued.size() > maxQueued;
    }

    /**
     * Waits up to {@code timeout} for an attempt to finish or a backoff to end, then {@link #pump()}s.
     * What the consumer does instead of fetching while congested.
     */
    public void awaitProgress(Duration timeout) throws InterruptedException {
        long wait = timeout.toNanos();
        if (!queued.isEmpty() && inFlight == 0) {
            wait = Math.max(0, Math.min(wait, notBeforeNanos - nanoClock.getAsLong()));
        }
        Outcome outcome = outcomes.poll(wait, TimeUnit.NANOSECONDS);
        if (outcome != null) {
            handle(outcome);
        }
        pump();
    }

    /** Pumps until nothing is queued or running, or {@code timeout} passed; true if idle. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = nanoClock.getAsLong() + timeout.toNanos();
        pump();
        while (!isIdle()) {
            long left = deadline - nanoClock.getAsLong();
            if (left <= 0) {
                return false;
            }
            awaitProgress(Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100))));
        }
        return true;
    }

    public boolean isIdle() {
        return inFlight == 0 && queued.isEmpty();
    }

    public int inFlight() {
        return inFlight;
    }

    public int queued() {
        return queued.size();
    }

    public boolean failing() {
        return failing;
    }
}
