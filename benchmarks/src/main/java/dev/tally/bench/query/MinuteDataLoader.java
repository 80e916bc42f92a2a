package dev.tally.bench.query;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.tally.store.RollupLayout;
import dev.tally.store.RollupLayout.Tier;
import java.nio.ByteBuffer;
import java.time.Instant;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * Writes synthetic rollups the way the sink does (RollupLayout placement, every tier consistent with
 * the minutes below it): site totals ({@code total} dimension, {@code rollup_series}) for every minute
 * of {@code totalDays}, and page breakdowns ({@code page} dimension, {@code rollup_breakdown}) for the
 * last {@code pageDays}, drawn from {@code pages} distinct pages, {@code pagesPerMinute} page rows a minute.
 */
final class MinuteDataLoader {
    private static final int LG_K = 12;
    private static final int IN_FLIGHT = 32;
    /** Bytes of sketches per unlogged single-partition batch: well below Cassandra's 50 KiB batch failure threshold. */
    private static final int BATCH_BYTES = 24 * 1024;
    private static final int ROW_OVERHEAD = 100;

    private record PendingRow(BoundStatement statement, int bytes) {
    }

    private final CqlSession session;
    private final PreparedStatement series;
    private final PreparedStatement breakdown;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    /** Pending rows per partition, flushed as unlogged batches when the partition's period ends. */
    private final Map<String, List<PendingRow>> pending = new HashMap<>();

    private static final class Cell {
        long pageviews;
        final HllSketch visitors = new HllSketch(LG_K, TgtHllType.HLL_4);
    }

    MinuteDataLoader(CqlSession session, String keyspace) {
        this.session = session;
        String metrics = "pageviews, custom_events, visitors_sketch, value_count, value_sum, finalized";
        this.series = session.prepare("INSERT INTO " + keyspace + ".rollup_series (site_id, granularity, dimension, dimension_value, period, bucket_start, "
                + metrics + ") VALUES (?, ?, 'total', '', ?, ?, ?, 0, ?, 0, 0, true)");
        this.breakdown = session.prepare("INSERT INTO " + keyspace + ".rollup_breakdown (site_id, granularity, dimension, bucket_start, shard, dimension_value, "
                + metrics + ") VALUES (?, ?, 'page', ?, ?, ?, ?, 0, ?, 0, 0, true)");
    }

    long written() {
        return written.get();
    }

    long retries() {
        return retries.get();
    }

    void load(String siteId, Instant end, int totalDays, int pageDays, int pages, int pagesPerMinute) {
        long endMinute = end.getEpochSecond() / 60;
        long firstMinute = endMinute - totalDays * 1440L;
        long firstPageMinute = endMinute - pageDays * 1440L;
        Cell hour = null;
        Cell day = null;
        Map<String, Cell> pageHour = new HashMap<>();
        Map<String, Cell> pageDay = new HashMap<>();
        for (long minute = firstMinute; minute < endMinute; minute++) {
            Instant start = Instant.ofEpochSecond(minute * 60);
            if (minute % 60 == 0) {
                hour = new Cell();
                pageHour.clear();
            }
            if (minute % 1440 == 0) {
                day = new Cell();
                pageDay.clear();
            }
            // A deterministic pseudo-random minute: 1-8 page views from visitors of a rotating pool.
            long mix = minute * 0x9E3779B97F4A7C15L;
            int views = 1 + (int) ((mix >>> 59) & 7);
            Cell total = new Cell();
            boolean withPages = minute >= firstPageMinute;
            Map<String, Cell> pageMinute = new HashMap<>();
            for (int i = 0; i < views; i++) {
                String visitor = "v" + Math.floorMod(mix + i * 7919L, 40_000L);
                total.pageviews++;
                total.visitors.update(visitor);
                hour.pageviews++;
                hour.visitors.update(visitor);
                day.pageviews++;
                day.visitors.update(visitor);
                if (withPages) {
                    String page = "/page/" + Math.floorMod(mix + (i % pagesPerMinute) * 104_729L, (long) pages);
                    for (Map<String, Cell> cells : List.of(pageMinute, pageHour, pageDay)) {
                        Cell cell = cells.computeIfAbsent(page, p -> new Cell());
                        cell.pageviews++;
                        cell.visitors.update(visitor);
                    }
                }
            }
            writeSeries(siteId, Tier.MINUTE, start, total);
            if ((minute + 1) % 1440 == 0) {
                flush("series|MINUTE");
            }
            pageMinute.forEach((page, cell) -> writeBreakdown(siteId, Tier.MINUTE, start, page, cell));
            if ((minute + 1) % 60 == 0) {
                Instant hourStart = Instant.ofEpochSecond((minute - 59) * 60);
                writeSeries(siteId, Tier.HOUR, hourStart, hour);
                pageHour.forEach((page, cell) -> writeBreakdown(siteId, Tier.HOUR, hourStart, page, cell));
                flush("breakdown|HOUR");
                if (LocalDate.ofInstant(hourStart.plusSeconds(3600), ZoneOffset.UTC).getDayOfMonth() == 1
                        && hourStart.plusSeconds(3600).getEpochSecond() % 86_400 == 0) {
                    flush("series|HOUR");
                }
            }
            if ((minute + 1) % (1440 * 30) == 0) {
                System.out.printf("  loaded up to %s: %,d rows%n", start, written.get());
            }
            if ((minute + 1) % 1440 == 0) {
                Instant dayStart = Instant.ofEpochSecond((minute - 1439) * 60);
                writeSeries(siteId, Tier.DAY, dayStart, day);
                pageDay.forEach((page, cell) -> writeBreakdown(siteId, Tier.DAY, dayStart, page, cell));
                flush("breakdown|DAY");
            }
        }
        for (String key : List.copyOf(pending.keySet())) {
            flush(key);
        }
        inFlight.acquireUninterruptibly(IN_FLIGHT);
        inFlight.release(IN_FLIGHT);
        if (failure.get() != null) {
            throw new IllegalStateException("loading failed", failure.get());
        }
    }

    private void writeSeries(String siteId, Tier tier, Instant start, Cell cell) {
        LocalDate period = RollupLayout.periodOf(tier, start);
        byte[] sketch = cell.visitors.toCompactByteArray();
        BoundStatement row = series.bind(siteId, tier.name(), period, start, cell.pageviews, ByteBuffer.wrap(sketch));
        pending.computeIfAbsent("series|" + tier, k -> new ArrayList<>()).add(new PendingRow(row, sketch.length + ROW_OVERHEAD));
    }

    private void writeBreakdown(String siteId, Tier tier, Instant start, String page, Cell cell) {
        byte[] sketch = cell.visitors.toCompactByteArray();
        BoundStatement row = breakdown.bind(siteId, tier.name(), start, RollupLayout.shardOf(page), page, cell.pageviews, ByteBuffer.wrap(sketch));
        if (tier == Tier.MINUTE) {
            submit(row);
        } else {
            // Batched by shard: each batch is one partition (site, tier, page, bucket, shard).
            pending.computeIfAbsent("breakdown|" + tier + "|" + RollupLayout.shardOf(page), k -> new ArrayList<>())
                    .add(new PendingRow(row, sketch.length + page.length() + ROW_OVERHEAD));
        }
    }

    /** Sends the pending rows of one partition (or, for breakdown keys, of the bucket's shards) as batches. */
    private void flush(String keyPrefix) {
        for (String key : List.copyOf(pending.keySet())) {
            if (!key.equals(keyPrefix) && !key.startsWith(keyPrefix + "|")) {
                continue;
            }
            List<PendingRow> rows = pending.remove(key);
            List<BoundStatement> chunk = new ArrayList<>();
            int bytes = 0;
            for (PendingRow row : rows) {
                if (!chunk.isEmpty() && bytes + row.bytes() > BATCH_BYTES) {
                    submit(BatchStatement.newInstance(DefaultBatchType.UNLOGGED).addAll(chunk), chunk.size());
                    chunk = new ArrayList<>();
                    bytes = 0;
                }
                chunk.add(row.statement());
                bytes += row.bytes();
            }
            if (!chunk.isEmpty()) {
                submit(BatchStatement.newInstance(DefaultBatchType.UNLOGGED).addAll(chunk), chunk.size());
            }
        }
    }

    private void submit(BoundStatement statement) {
        submit(statement, 1);
    }

    private void submit(Statement<?> statement, int rows) {
        if (failure.get() != null) {
            throw new IllegalStateException("loading failed", failure.get());
        }
        inFlight.acquireUninterruptibly();
        execute(statement.setIdempotent(true), rows, 1);
    }

    /** Writes are idempotent (absolute values), so a timed-out one is simply sent again, a few times. */
    private void execute(Statement<?> statement, int rows, int attempt) {
        session.executeAsync(statement).whenComplete((result, error) -> {
            if (error != null && attempt < 30) {
                // An overloaded node times writes out: back off a little, then send the same write again.
                retries.incrementAndGet();
                CompletableFuture.delayedExecutor(200L * attempt, TimeUnit.MILLISECONDS)
                        .execute(() -> execute(statement, rows, attempt + 1));
                return;
            }
            if (error != null) {
                failure.compareAndSet(null, error);
            } else {
                written.addAndGet(rows);
            }
            inFlight.release();
        });
    }
}
