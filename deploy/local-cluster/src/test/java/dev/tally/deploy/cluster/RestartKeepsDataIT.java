package dev.tally.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code tally run} relies on: stopping and starting again in the same directory loses nothing;
 * and what outage tests rely on: the Cassandra node alone stops and starts again on its data.
 */
class RestartKeepsDataIT {

    @TempDir
    Path dir;

    @Test
    void a_second_start_in_the_same_directory_keeps_kafka_records_and_cassandra_rows_also_across_a_node_restart() throws Exception {
        LocalClusterSettings settings = LocalClusterSettings.onFreePorts(dir);
        String topic = TestCluster.uniqueName("restart_");
        String keyspace = TestCluster.uniqueName("restart_");
        String clusterId;

        try (LocalCluster cluster = LocalCluster.start(settings)) {
            clusterId = cluster.kafka().clusterId();
            Clients.createTopic(cluster.kafka(), topic, 1);
            Clients.produce(cluster.kafka(), topic, "page-1", "kept");
            try (CqlSession session = Clients.session(cluster.cassandra())) {
                Clients.createKeyspace(session, keyspace);
                session.execute("CREATE TABLE " + keyspace + ".totals (page text PRIMARY KEY, views bigint)");
                session.execute("INSERT INTO " + keyspace + ".totals (page, views) VALUES ('/home', 7)");
            }
            assertThatThrownBy(() -> cluster.cassandra().restart(Duration.ofSeconds(1)))
                    .as("a running node is not started twice").isInstanceOf(IllegalStateException.class);

            // An outage of the node alone, as tests of the services need: same ports, same data.
            long pidBefore = cluster.cassandra().pid();
            cluster.cassandra().stop();
            assertThat(cluster.cassandra().isAlive()).isFalse();
            cluster.cassandra().restart(LocalCluster.DEFAULT_READY_TIMEOUT);
            assertThat(cluster.cassandra().isAlive()).isTrue();
            assertThat(cluster.cassandra().pid()).isNotEqualTo(pidBefore);
            try (CqlSession session = Clients.session(cluster.cassandra())) {
                session.execute("UPDATE " + keyspace + ".totals SET views = 8 WHERE page = '/home'");
            }
        }

        try (LocalCluster cluster = LocalCluster.start(settings)) {
            assertThat(cluster.kafka().clusterId()).isEqualTo(clusterId);
            try (KafkaConsumer<String, String> consumer = Clients.consumer(cluster.kafka(), Map.of())) {
                TopicPartition partition = new TopicPartition(topic, 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                assertThat(Clients.pollUntil(consumer, 1)).extracting(ConsumerRecord::value).containsExactly("kept");
            }
            try (CqlSession session = Clients.session(cluster.cassandra())) {
                Row row = session.execute("SELECT views FROM " + keyspace + ".totals WHERE page = '/home'").one();
                assertThat(row).isNotNull();
                assertThat(row.getLong("views")).isEqualTo(8L);
            }
        }
    }
}
