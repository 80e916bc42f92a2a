package dev.tally.schemas;

import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic with the serdes of its keys and values and the settings it is created with.
 *
 * @param name              full topic name, including the namespace
 * @param keySerde          serde of record keys
 * @param valueSerde        serde of record values
 * @param defaultPartitions partition count used when the topic is created
 * @param config            topic-level configs ({@code cleanup.policy}, {@code retention.ms}, ...)
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int defaultPartitions,
                          Map<String, String> config) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Topic name must not be blank");
        }
        if (defaultPartitions < 1) {
            throw new IllegalArgumentException("Topic " + name + ": defaultPartitions must be at least 1, got "
                    + defaultPartitions);
        }
        config = Map.copyOf(config);
    }

    /** An admin-client request creating this topic with its default partitions and config. */
    public NewTopic toNewTopic(short replicationFactor) {
        return new NewTopic(name, defaultPartitions, replicationFactor).configs(config);
    }
}
