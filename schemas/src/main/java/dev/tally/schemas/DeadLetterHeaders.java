package dev.tally.schemas;

/**
 * Header names on records in the dead-letter topic ({@link TopicCatalogue#deadLetters()}). The record's
 * key and value are the original bytes, unchanged; these headers (UTF-8 text values) say where they came
 * from and why they were rejected. The original record's own headers are kept as well.
 */
public final class DeadLetterHeaders {

    /** Short reason the record was rejected, e.g. the {@code SerializationException} message. */
    public static final String REASON = "tally.dlq.reason";
    /** Topic the record was read from. */
    public static final String SOURCE_TOPIC = "tally.dlq.topic";
    /** Partition the record was read from, decimal. */
    public static final String SOURCE_PARTITION = "tally.dlq.partition";
    /** Offset of the record in its partition, decimal. */
    public static final String SOURCE_OFFSET = "tally.dlq.offset";
    /** Name of the service that rejected it, e.g. cassandra-sink. */
    public static final String REJECTED_BY = "tally.dlq.rejected-by";

    private DeadLetterHeaders() {
    }
}
