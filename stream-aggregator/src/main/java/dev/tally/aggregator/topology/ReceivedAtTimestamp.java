package dev.tally.aggregator.topology;

import dev.tally.schemas.avro.TrackedEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/** Event time is the gateway's receive time, carried in the event, not the Kafka record's timestamp. */
public final class ReceivedAtTimestamp implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof TrackedEvent event) {
            return event.getReceivedAt().toEpochMilli();
        }
        return record.timestamp();
    }
}
