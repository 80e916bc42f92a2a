package dev.tally.aggregator.rollup;

/**
 * A pre-aggregated slice of one site's minute from one input partition: what the pre-aggregation step
 * sends to the merge step instead of the individual events (the streaming form of write striping: the
 * partitions are the stripes, the merge step sums them).
 */
public record SitePartial(String siteId, long minuteStart, BucketState state) {

    /**
     * A partial without events, sent to every merge partition at each drain: it carries the sender's
     * time, so buckets close on merge partitions whose sites are quiet too.
     */
    public static SitePartial heartbeat() {
        return new SitePartial("", 0, new BucketState());
    }

    public boolean isHeartbeat() {
        return siteId.isEmpty();
    }

    public byte[] toBytes() {
        return Codec.encode(out -> {
            Codec.writeString(out, siteId);
            out.writeLong(minuteStart);
            state.writeTo(out);
        });
    }

    public static SitePartial fromBytes(byte[] bytes) {
        return Codec.decode(bytes, in -> new SitePartial(Codec.readString(in), in.readLong(), BucketState.readFrom(in)));
    }
}
