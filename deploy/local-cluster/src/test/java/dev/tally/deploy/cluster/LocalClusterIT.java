package dev.tally.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The shared cluster does what the services need from it: topics, groups, transactions, CQL. */
class LocalClusterIT {

    private final LocalCluster cluster = TestCluster.shared();

    @Test
    void a_record_produced_to_a_new_topic_reaches_a_consumer_group() throws Exception {
        String topic = TestCluster.uniqueName("it_");
        Clients.createTopic(cluster.kafka(), topic, 6);

        Clients.produce(cluster.kafka(), topic, "page-1", "view");

        try (KafkaConsumer<String, String> consumer = Clients.consumer(cluster.kafka(),
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, TestCluster.uniqueName("group_")))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records = Clients.pollUntil(consumer, 1);
            assertThat(records).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("page-1");
                assertThat(record.value()).isEqualTo("view");
            });
        }
    }

    @Test
    void a_committed_transaction_is_visible_to_read_committed_consumers() throws Exception {
        String topic = TestCluster.uniqueName("it_tx_");
        Clients.createTopic(cluster.kafka(), topic, 1);

        try (KafkaProducer<String, String> producer = Clients.producer(cluster.kafka(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestCluster.uniqueName("tx_")))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "in a transaction")).get(30, TimeUnit.SECONDS);
            producer.commitTransaction();
        }

        try (KafkaConsumer<String, String> consumer = Clients.consumer(cluster.kafka(),
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, TestCluster.uniqueName("group_"),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            consumer.subscribe(List.of(topic));
            assertThat(Clients.pollUntil(consumer, 1)).extracting(ConsumerRecord::value)
                    .containsExactly("in a transaction");
        }
    }

    @Test
    void a_row_written_to_a_new_keyspace_can_be_read_back() {
        String keyspace = TestCluster.uniqueName("it_");
        try (CqlSession session = Clients.session(cluster.cassandra())) {
            Clients.createKeyspace(session, keyspace);
            session.execute("CREATE TABLE " + keyspace + ".page_views (page text PRIMARY KEY, views bigint)");

            session.execute("INSERT INTO " + keyspace + ".page_views (page, views) VALUES ('/home', 42)");

            Row row = session.execute("SELECT views FROM " + keyspace + ".page_views WHERE page = '/home'").one();
            assertThat(row).isNotNull();
            assertThat(row.getLong("views")).isEqualTo(42L);
        }
    }

    @Test
    void the_shared_cluster_is_started_once_per_jvm() {
        assertThat(TestCluster.shared()).isSameAs(cluster);
        assertThat(cluster.cassandra().localDatacenter()).isEqualTo("datacenter1");
        assertThat(cluster.kafka().bootstrapServers()).isEqualTo("127.0.0.1:" + cluster.settings().kafka().port());
    }
}
