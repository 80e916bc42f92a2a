package dev.tally.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.deploy.cluster.TestCluster;
import dev.tally.store.RawEventRow;
import dev.tally.store.RollupTables.StoredRollup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A consumer group that starts over (a new group, a reset, a crash before a commit) rewrites the same cells. */
class ReplayIT {
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
    void replaying_the_same_kafka_range_twice_leaves_identical_tables() {
        StreamScenario scenario = new StreamScenario(fixture, 3);
        scenario.send(120);
        String first = TestCluster.uniqueName("first_");
        SinkApp firstSink = fixture.startSink(first, Map.of());
        awaitAllCommitted(first);
        List<RawEventRow> rawAfterFirst = scenario.rawRows();
        Map<String, List<StoredRollup>> rollupsAfterFirst = scenario.storedRollups();
        firstSink.close();

        String second = TestCluster.uniqueName("second_");
        fixture.startSink(second, Map.of());
        awaitAllCommitted(second);

        assertThat(rawAfterFirst).hasSize(scenario.sent());
        assertThat(rollupsAfterFirst).hasSize(scenario.latestRollups().size())
                .allSatisfy((key, rows) -> assertThat(rows).hasSize(2));
        assertThat(scenario.rawRows()).isEqualTo(rawAfterFirst);
        assertThat(scenario.storedRollups()).isEqualTo(rollupsAfterFirst);
    }

    private void awaitAllCommitted(String group) {
        fixture.awaitCommittedToEnd(group + ".raw-events", List.of(fixture.topics.enrichedEvents().name()), Duration.ofSeconds(90));
        fixture.awaitCommittedToEnd(group + ".rollups", fixture.rollupTopics(), Duration.ofSeconds(90));
    }
}
