package dev.tally.gateway.kafka;

import dev.tally.common.http.Readiness;
import dev.tally.common.http.ReadinessCheck;
import dev.tally.gateway.ingest.EventFactory;
import dev.tally.gateway.ingest.EventPublisher;
import dev.tally.schemas.Topic;
import dev.tally.schemas.avro.TrackedEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes tracked events to the raw events topic with an idempotent, acks=all producer. The
 * returned stage completes on the producer's network thread when the broker acknowledged the write.
 */
public final class KafkaEventPublisher implements EventPublisher, ReadinessCheck {
    /**
     * How long the producer waits to fill a batch. Every pixel and POST is answered only after the broker's
     * acknowledgement, so this wait is most of a request's latency; 2 ms still gathers tens of events per
     * batch at a few thousand events/s. Measured in docs/benchmarks.md (gateway): 0, 1, 2 and 5 ms.
     */
    public static final int DEFAULT_LINGER_MS = 2;
    /** After a failed send, the producer counts as unhealthy until a send succeeds or this long passes. */
    private static final long UNHEALTHY_FOR_NANOS = 10_000_000_000L;

    private final Producer<String, TrackedEvent> producer;
    private final String topic;
    private final Timer sendLatency;
    private final KafkaClientMetrics clientMetrics;
    /** While a send succeeded this recently, the producer holds the topic's metadata: send() does not wait for it. */
    private static final long METADATA_CACHED_NANOS = 60_000_000_000L;
    /** Above this share of the producer's buffer in use, send() might soon block until space frees up. */
    private static final double BUFFER_SAFE_SHARE = 0.5;

    private volatile long lastFailureNanos;
    private volatile long lastSuccessNanos;
    private volatile boolean bufferHasRoom;
    private final ScheduledExecutorService bufferWatch;

    public KafkaEventPublisher(Producer<String, TrackedEvent> producer, String topic, MeterRegistry registry) {
        this.producer = producer;
        this.topic = topic;
        this.sendLatency = Timer.builder("tally_gateway_kafka_send_latency")
                .description("Time from send() to the broker's acknowledgement")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder("tally_gateway_kafka_buffered_bytes", this, KafkaEventPublisher::bufferedBytes)
                .description("Bytes waiting in the producer's buffer for the broker")
                .baseUnit("bytes")
                .register(registry);
        this.clientMetrics = new KafkaClientMetrics(producer);
        clientMetrics.bindTo(registry);
        this.lastSuccessNanos = System.nanoTime();
        this.lastFailureNanos = lastSuccessNanos - 1;
        // Reading the producer's metrics costs too much per request; a tenth of a second is far less
        // than the time a full rate of events needs to fill half of the buffer.
        this.bufferWatch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "kafka-buffer-watch");
            thread.setDaemon(true);
            return thread;
        });
        bufferWatch.scheduleAtFixedRate(this::watchBuffer, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void watchBuffer() {
        double[] totalAndAvailable = bufferTotalAndAvailable();
        bufferHasRoom = totalAndAvailable[0] > 0 && totalAndAvailable[1] >= totalAndAvailable[0] * BUFFER_SAFE_SHARE;
    }

    /**
     * send() blocks only to fetch metadata it does not have or to wait for buffer space: neither can
     * happen while a send succeeded recently, none failed since, and the buffer is at most half full.
     */
    @Override
    public boolean publishesWithoutBlocking() {
        long success = lastSuccessNanos;
        return bufferHasRoom && success - lastFailureNanos > 0 && System.nanoTime() - success < METADATA_CACHED_NANOS;
    }

    public static KafkaEventPublisher create(String bootstrapServers, Topic<String, TrackedEvent> topic,
                                             Map<String, String> overrides, MeterRegistry registry) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "tally-ingest-gateway");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
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
                long now = System.nanoTime();
                sendLatency.record(Duration.ofNanos(now - started));
                if (error == null) {
                    lastSuccessNanos = now;
                    acknowledged.complete(null);
                } else {
                    lastFailureNanos = now;
                    acknowledged.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            // send() itself throws when metadata cannot be fetched within max.block.ms or the buffer is full.
            lastFailureNanos = System.nanoTime();
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    double bufferedBytes() {
        double[] totalAndAvailable = bufferTotalAndAvailable();
        return totalAndAvailable[0] - totalAndAvailable[1];
    }

    private double[] bufferTotalAndAvailable() {
        double total = 0;
        double available = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric : producer.metrics().entrySet()) {
            String name = metric.getKey().name();
            if (metric.getKey().group().equals("producer-metrics")) {
                if (name.equals("buffer-total-bytes")) {
                    total = ((Number) metric.getValue().metricValue()).doubleValue();
                } else if (name.equals("buffer-available-bytes")) {
                    available = ((Number) metric.getValue().metricValue()).doubleValue();
                }
            }
        }
        return new double[] {total, available};
    }

    @Override
    public String name() {
        return "kafka-producer";
    }

    /** Unhealthy while the latest send failed, for up to ten seconds, so load balancers move traffic away. */
    @Override
    public Readiness check() {
        long failure = lastFailureNanos;
        boolean failing = failure - lastSuccessNanos > 0 && System.nanoTime() - failure < UNHEALTHY_FOR_NANOS;
        return failing ? Readiness.notReady("the latest send to Kafka failed") : Readiness.ok("sending to " + topic);
    }

    @Override
    public void close() {
        bufferWatch.shutdownNow();
        producer.close(Duration.ofSeconds(10));
        clientMetrics.close();
    }
}
