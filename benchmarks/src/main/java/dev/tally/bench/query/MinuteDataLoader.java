package dev.tally.bench.query;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.sink.pipeline.PartitionBatches;
import dev.tally.store.RollupLayout.Tier;
import dev.tally.store.RollupTables;
import java.nio.ByteBuffer;
import java.time.Instant;
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
 * Writes synthetic rollups the way the sink does (the sink's {@link RollupTables#bind} places them, rows
 * of one partition share an unlogged batch; every tier consistent with the minutes below it): site totals
 * ({@code total} dimension) for every minute of {@code totalDays}, and page breakdowns ({@code page}
 * dimension) for the last {@code pageDays}, drawn from {@code pages} distinct pages, {@code pagesPerMinute}
 * page rows a minute.
 */
final class MinuteDataLoader {
    private static final int LG_K = 12;
    private static final int IN_FLIGHT = 32;
    /** Rows per unlogged single-partition batch, as the sink's bounds. */
    private static final int BATCH_ROWS = 500;
    private static final int BATCH_BYTES = 512 * 1024;
    private static final int ROW_OVERHEAD = 100;

    private record PendingRow(RollupTables.Upsert upsert, int bytes) {
    }

    private final CqlSession session;
    private final RollupTables tables;
    private final Instant updatedAt = Instant.now();
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    /** Rows not yet sent, batched by partition every ten minutes of data. */
    private final List<PendingRow> pending = new ArrayList<>();

    private static final class Cell {
        long pageviews;
        final HllSketch visitors = new HllSketch(LG_K, TgtHllType.HLL_4);
    }

    MinuteDataLoader(CqlSession session, String keyspace) {
        this.session = session;
        this.tables = new RollupTables(session, keyspace, DefaultConsistencyLevel.ONE);
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
            write(siteId, Tier.MINUTE, start, "total", "", total);
            pageMinute.forEach((page, cell) -> write(siteId, Tier.MINUTE, start, "page", page, cell));
            if ((minute + 1) % 60 == 0) {
                Instant hourStart = Instant.ofEpochSecond((minute - 59) * 60);
                write(siteId, Tier.HOUR, hourStart, "total", "", hour);
                pageHour.forEach((page, cell) -> write(siteId, Tier.HOUR, hourStart, "page", page, cell));
            }
            if ((minute + 1) % (1440 * 30) == 0) {
                System.out.printf("  loaded up to %s: %,d rows%n", start, written.get());
            }
            if ((minute + 1) % 1440 == 0) {
                Instant dayStart = Instant.ofEpochSecond((minute - 1439) * 60);
                write(siteId, Tier.DAY, dayStart, "total", "", day);
                pageDay.forEach((page, cell) -> write(siteId, Tier.DAY, dayStart, "page", page, cell));
            }
            if ((minute + 1) % 10 == 0) {
                flush();
            }
        }
        flush();
        inFlight.acquireUninterruptibly(IN_FLIGHT);
        inFlight.release(IN_FLIGHT);
        if (failure.get() != null) {
            throw new IllegalStateException("loading failed", failure.get());
        }
    }

    private void write(String siteId, Tier tier, Instant start, String dimension, String value, Cell cell) {
        byte[] sketch = cell.visitors.toCompactByteArray();
        Rollup rollup = Rollup.newBuilder()
                .setSiteId(siteId)
                .setGranularity(Granularity.valueOf(tier.name()))
                .setDimension(dimension)
                .setDimensionValue(value)
                .setBucketStart(start)
                .setPageviews(cell.pageviews)
                .setVisitorsSketch(ByteBuffer.wrap(sketch))
                .setFinalized(true)
                .setUpdatedAt(updatedAt)
                .build();
        pending.add(new PendingRow(tables.bind(rollup), sketch.length + value.length() + ROW_OVERHEAD));
    }

    /** Sends every pending row, rows of one partition as unlogged batches. */
    private void flush() {
        for (List<PendingRow> batch : PartitionBatches.group(pending, row -> row.upsert().partition(), PendingRow::bytes,
                BATCH_ROWS, BATCH_BYTES)) {
            if (batch.size() == 1) {
                submit(batch.get(0).upsert().statement());
            } else {
                List<BoundStatement> statements = batch.stream().map(row -> row.upsert().statement()).toList();
                submit(BatchStatement.newInstance(DefaultBatchType.UNLOGGED).addAll(statements), statements.size());
            }
        }
        pending.clear();
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
