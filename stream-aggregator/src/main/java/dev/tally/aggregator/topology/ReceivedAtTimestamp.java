package dev.tally.aggregator.topology;

import dev.tally.schemas.avro.TrackedEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is the gateway's receive time carried in the event (not the Kafka record's timestamp),
 * or the client's time where the gateway allowed one (within the clock skew, or a keyed backfill).
 */
public final class ReceivedAtTimestamp implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof TrackedEvent event) {
            return (event.getClientTime() != null ? event.getClientTime() : event.getReceivedAt()).toEpochMilli();
        }
        return record.timestamp();
    }
}
