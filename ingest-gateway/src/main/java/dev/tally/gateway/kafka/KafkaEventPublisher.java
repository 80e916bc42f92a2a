package dev.tally.gateway.kafka;

import dev.tally.gateway.ingest.EventFactory;
import dev.tally.gateway.ingest.EventPublisher;
import dev.tally.schemas.Topic;
import dev.tally.schemas.avro.TrackedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes tracked events to the raw events topic with an idempotent, acks=all producer. The
 * returned stage completes on the producer's network thread when the broker acknowledged the write.
 */
public final class KafkaEventPublisher implements EventPublisher {
    private final Producer<String, TrackedEvent> producer;
    private final String topic;
    private final Timer sendLatency;

    public KafkaEventPublisher(Producer<String, TrackedEvent> producer, String topic, MeterRegistry registry) {
        this.producer = producer;
        this.topic = topic;
        this.sendLatency = Timer.builder("tally_gateway_kafka_send_latency")
                .description("Time from send() to the broker's acknowledgement")
                .publishPercentileHistogram()
                .register(registry);
    }

    public static KafkaEventPublisher create(String bootstrapServers, Topic<String, TrackedEvent> topic,
                                             Map<String, String> overrides, MeterRegistry registry) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "tally-ingest-gateway");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A send() that cannot get metadata blocks a worker thread; keep that short so callers see 503 quickly.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.putAll(overrides);
        Producer<String, TrackedEvent> producer =
                new KafkaProducer<>(config, new StringSerializer(), topic.valueSerde().serializer());
        return new KafkaEventPublisher(producer, topic.name(), registry);
    }

    @Override
    public CompletionStage<Void> publish(TrackedEvent event) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        long started = System.nanoTime();
        try {
            producer.send(new ProducerRecord<>(topic, EventFactory.partitionKey(event), event), (metadata, error) -> {
                sendLatency.record(Duration.ofNanos(System.nanoTime() - started));
                if (error == null) {
                    acknowledged.complete(null);
                } else {
                    acknowledged.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            // send() itself throws when metadata cannot be fetched within max.block.ms or the buffer is full.
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
