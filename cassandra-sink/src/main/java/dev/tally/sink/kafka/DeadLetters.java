package dev.tally.sink.kafka;

import dev.tally.schemas.DeadLetterHeaders;
import dev.tally.sink.SinkMetrics;
import dev.tally.sink.pipeline.SourcePosition;
import dev.tally.sink.pipeline.WriteUnit;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a record that cannot be stored to the dead-letter topic: key and value bytes unchanged, its
 * own headers kept, and the {@link DeadLetterHeaders} (reason, source topic, partition, offset, and
 * {@value #REJECTED_BY}) added. The copy is a {@link WriteUnit} like any write: the source offset is
 * committed only once Kafka acknowledged the copy, and a failed send is retried.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    public static final String KIND = "dead_letter";
    static final String REJECTED_BY = "cassandra-sink";

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final SinkMetrics metrics;

    public DeadLetters(Producer<byte[], byte[]> producer, String topic, SinkMetrics metrics) {
        this.producer = producer;
        this.topic = topic;
        this.metrics = metrics;
    }

    public WriteUnit unit(ConsumerRecord<byte[], byte[]> record, String reason, SourcePosition position) {
        LOG.warn("Record {} cannot be stored ({}); copying it to {}. Inspect it there; the sink goes on.", position, reason, topic);
        metrics.deadLettered(record.topic(), reason);
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        headers.add(DeadLetterHeaders.REASON, utf8(reason));
        headers.add(DeadLetterHeaders.SOURCE_TOPIC, utf8(record.topic()));
        headers.add(DeadLetterHeaders.SOURCE_PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(DeadLetterHeaders.SOURCE_OFFSET, utf8(Long.toString(record.offset())));
        headers.add(DeadLetterHeaders.REJECTED_BY, utf8(REJECTED_BY));
        ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(topic, null, record.key(), record.value(), headers);
        return new WriteUnit(KIND, List.of(position), 1, () -> send(copy));
    }

    private CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> copy) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        producer.send(copy, (metadata, error) -> {
            if (error == null) {
                acknowledged.complete(null);
            } else {
                acknowledged.completeExceptionally(error);
            }
        });
        return acknowledged;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
