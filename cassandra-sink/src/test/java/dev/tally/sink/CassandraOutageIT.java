package dev.tally.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.deploy.cluster.TestCluster;
import dev.tally.schemas.avro.Rollup;
import dev.tally.store.RawEventRow;
import dev.tally.store.RollupTables.StoredRollup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cassandra stops for a minute in the middle of a stream: the sink keeps its place (commits nothing it
 * has not stored), retries with backoff, and once Cassandra is back it catches up, so that the tables
 * end up holding exactly what was sent.
 */
class CassandraOutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    private final String group = TestCluster.uniqueName("outage_");
    private SinkFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new SinkFixture();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void after_a_60_second_cassandra_outage_the_sink_catches_up_and_the_tables_equal_what_was_sent() throws Exception {
        SinkApp sink = fixture.startSink(group, Map.of());
        StreamScenario scenario = new StreamScenario(fixture, 4);
        scenario.send(80);
        awaitAllCommitted();
        assertThat(scenario.rawRows()).hasSize(80);

        LocalCluster cluster = fixture.cluster;
        cluster.cassandra().stop();
        try {
            scenario.send(120);
            // For the whole outage: the sink stays up, and commits nothing past what Cassandra acknowledged.
            // Every raw event needs its own write; of the rollup records, those replaced by a later record
            // of the same bucket need none and may be committed, but the latest ones may not.
            await().during(OUTAGE).atMost(OUTAGE.plusSeconds(15)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> fixture.lag(group + ".raw-events", List.of(fixture.topics.enrichedEvents().name())) == 120
                            && fixture.lag(group + ".rollups", fixture.rollupTopics()) > 0
                            && SinkFixture.get(sink, "/healthz").statusCode() == 200);
        } finally {
            cluster.cassandra().restart(LocalCluster.DEFAULT_READY_TIMEOUT);
        }

        awaitAllCommitted();
        fixture.awaitCassandraReadable(Duration.ofSeconds(60));
        List<RawEventRow> rows = scenario.rawRows();
        assertThat(rows).hasSize(scenario.sent());
        assertThat(rows).extracting(RawEventRow::eventId).doesNotHaveDuplicates();
        assertThat(rows.stream().collect(Collectors.groupingBy(RawEventRow::siteId, Collectors.counting())))
                .isEqualTo(scenario.eventsPerSite().entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> (long) e.getValue())));
        Map<String, List<StoredRollup>> stored = scenario.storedRollups();
        List<Rollup> sent = scenario.latestRollups();
        assertThat(stored).hasSize(sent.size());
        for (Rollup rollup : sent) {
            String key = rollup.getSiteId() + "|" + rollup.getGranularity() + "|" + rollup.getDimension() + "|"
                    + rollup.getDimensionValue() + "|" + rollup.getBucketStart().toEpochMilli();
            assertThat(stored.get(key)).as(key).hasSize(2).allSatisfy(row -> RollupsIT.assertStored(row, rollup));
        }
        String metrics = SinkFixture.get(sink, "/metrics").body();
        assertThat(SinkFixture.counter(metrics, "tally_sink_write_retries_total", "raw_events")).isPositive();
        assertThat(SinkFixture.counter(metrics, "tally_sink_rows_written_total", "raw_events")).isEqualTo(scenario.sent());
    }

    private void awaitAllCommitted() {
        fixture.awaitCommittedToEnd(group + ".raw-events", List.of(fixture.topics.enrichedEvents().name()), Duration.ofSeconds(120));
        fixture.awaitCommittedToEnd(group + ".rollups", fixture.rollupTopics(), Duration.ofSeconds(120));
    }
}
