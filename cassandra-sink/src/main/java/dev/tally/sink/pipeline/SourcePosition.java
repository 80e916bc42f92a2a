package dev.tally.sink.pipeline;

/** Where a consumed record came from: topic, partition and offset. */
public record SourcePosition(String topic, int partition, long offset) {

    public SourcePartition source() {
        return new SourcePartition(topic, partition);
    }

    /** One partition of one topic. */
    public record SourcePartition(String topic, int partition) {
        @Override
        public String toString() {
            return topic + "-" + partition;
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
