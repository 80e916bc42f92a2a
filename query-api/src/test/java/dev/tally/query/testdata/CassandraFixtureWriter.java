package dev.tally.query.testdata;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.tally.query.answer.RollupRow;
import dev.tally.store.RollupLayout;
import dev.tally.store.Stripes;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes a fixture's rollup rows into {@code rollup_series} and {@code rollup_breakdown} and its events
 * into {@code raw_events}, exactly where the sink puts them: partition period and shard from
 * {@link RollupLayout}, raw stripe from {@link Stripes}. Prepared statements, as in production.
 */
public final class CassandraFixtureWriter {
    private static final String METRICS = "pageviews, custom_events, visitors_sketch, visitors_estimate, value_count, value_sum, value_min, value_max, finalized, updated_at";

    private final CqlSession session;
    private final PreparedStatement series;
    private final PreparedStatement breakdown;
    private final PreparedStatement raw;
    private final Stripes stripes;

    public CassandraFixtureWriter(CqlSession session, String keyspace, Stripes stripes) {
        this.session = session;
        this.stripes = stripes;
        this.series = session.prepare("INSERT INTO " + keyspace + ".rollup_series (site_id, granularity, dimension, dimension_value, period, bucket_start, "
                + METRICS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.breakdown = session.prepare("INSERT INTO " + keyspace + ".rollup_breakdown (site_id, granularity, dimension, bucket_start, shard, dimension_value, "
                + METRICS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.raw = session.prepare("INSERT INTO " + keyspace + ".raw_events (site_id, day, stripe, event_time, event_id, type, name, url, path, title,"
                + " visitor_id, value, props, bot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false)");
    }

    public void writeRollups(String siteId, RollupFixture fixture) {
        List<CompletionStage<AsyncResultSet>> writes = new ArrayList<>();
        for (RollupFixture.StoredRow stored : fixture.rows()) {
            RollupRow row = stored.row();
            String tier = stored.tier().name();
            String dimension = stored.dimension().stored();
            ByteBuffer sketch = ByteBuffer.wrap(row.visitorsSketch());
            writes.add(session.executeAsync(series.bind(siteId, tier, dimension, row.dimensionValue(),
                    RollupLayout.periodOf(stored.tier(), row.bucketStart()), row.bucketStart(), row.pageviews(), row.customEvents(), sketch,
                    0.0, row.valueCount(), row.valueSum(), row.valueMin(), row.valueMax(), true, Instant.now())));
            writes.add(session.executeAsync(breakdown.bind(siteId, tier, dimension, row.bucketStart(), RollupLayout.shardOf(row.dimensionValue()),
                    row.dimensionValue(), row.pageviews(), row.customEvents(), sketch, 0.0, row.valueCount(), row.valueSum(),
                    row.valueMin(), row.valueMax(), true, Instant.now())));
            if (writes.size() >= 64) {
                await(writes);
            }
        }
        await(writes);
    }

    /** Writes the events as raw rows; returns their ids in the fixture's order. */
    public List<UUID> writeRawEvents(String siteId, RollupFixture fixture) {
        List<CompletionStage<AsyncResultSet>> writes = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (TestEvent event : fixture.events()) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            String path = event.dimensions().get(dev.tally.query.answer.Dimension.PAGE);
            writes.add(session.executeAsync(raw.bind(siteId, Stripes.dayOf(event.time()), stripes.stripeOf(id), event.time(), id,
                    event.pageview() ? "pageview" : "custom", event.eventName(), "https://example.com" + path, path,
                    "Title of " + path, event.visitorId(), event.value(), Map.<String, String>of())));
            if (writes.size() >= 64) {
                await(writes);
            }
        }
        await(writes);
        return ids;
    }

    private static void await(List<CompletionStage<AsyncResultSet>> writes) {
        CompletableFuture.allOf(writes.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new)).join();
        writes.clear();
    }
}
