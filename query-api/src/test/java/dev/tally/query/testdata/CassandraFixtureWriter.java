package dev.tally.query.testdata;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.tally.query.answer.RollupRow;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.store.RollupLayout;
import dev.tally.store.RollupTables;
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
 * Writes a fixture's rollup rows into the rollup tables and its events into {@code raw_events}, exactly
 * where the sink puts them: rollups through the sink's own {@link RollupTables#bind} (so {@link RollupLayout}
 * places them), raw rows in the stripe {@link Stripes} picks. Prepared statements, as in production.
 */
public final class CassandraFixtureWriter {
    private final CqlSession session;
    private final RollupTables rollups;
    private final PreparedStatement raw;
    private final Stripes stripes;

    public CassandraFixtureWriter(CqlSession session, String keyspace, Stripes stripes) {
        this.session = session;
        this.stripes = stripes;
        this.rollups = new RollupTables(session, keyspace, DefaultConsistencyLevel.ONE);
        this.raw = session.prepare("INSERT INTO " + keyspace + ".raw_events (site_id, day, stripe, event_time, event_id, type, name, url, path, title,"
                + " visitor_id, value, props, bot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false)");
    }

    public void writeRollups(String siteId, RollupFixture fixture) {
        List<CompletionStage<AsyncResultSet>> writes = new ArrayList<>();
        Instant updatedAt = Instant.now();
        for (RollupFixture.StoredRow stored : fixture.rows()) {
            RollupRow row = stored.row();
            Rollup rollup = Rollup.newBuilder()
                    .setSiteId(siteId)
                    .setGranularity(Granularity.valueOf(stored.tier().name()))
                    .setDimension(stored.dimension().stored())
                    .setDimensionValue(row.dimensionValue())
                    .setBucketStart(row.bucketStart())
                    .setPageviews(row.pageviews())
                    .setCustomEvents(row.customEvents())
                    .setVisitorsSketch(ByteBuffer.wrap(row.visitorsSketch()))
                    .setVisitorsEstimate(0.0)
                    .setValueCount(row.valueCount())
                    .setValueSum(row.valueSum())
                    .setValueMin(row.valueMin())
                    .setValueMax(row.valueMax())
                    .setFinalized(true)
                    .setUpdatedAt(updatedAt)
                    .build();
            writes.add(rollups.write(List.of(rollups.bind(rollup))));
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
