package dev.tally.aggregator.rollup;

/**
 * What the pre-aggregation step sends to the merge step: either a pre-aggregated slice of one site's
 * minute from one input partition (the streaming form of write striping: the partitions are the stripes,
 * the merge step sums them), or a heartbeat carrying the sender's {@link SourceProgress}.
 *
 * @param progress only on heartbeats, which have an empty site id and no state
 */
public record SitePartial(String siteId, long minuteStart, BucketState state, SourceProgress progress) {

    public SitePartial(String siteId, long minuteStart, BucketState state) {
        this(siteId, minuteStart, state, null);
    }

    /** Sent to every merge partition at each drain, so buckets close on partitions whose sites are quiet too. */
    public static SitePartial heartbeat(SourceProgress progress) {
        return new SitePartial("", 0, new BucketState(), progress);
    }

    public boolean isHeartbeat() {
        return progress != null;
    }

    public byte[] toBytes() {
        return Codec.encode(out -> {
            out.writeBoolean(isHeartbeat());
            if (isHeartbeat()) {
                out.writeInt(progress.source());
                out.writeLong(progress.streamTimeMs());
                out.writeBoolean(progress.readRecords());
            } else {
                Codec.writeString(out, siteId);
                out.writeLong(minuteStart);
                state.writeTo(out);
            }
        });
    }

    /** Whether {@code encoded} (from {@link #toBytes}) is a heartbeat, without decoding the rest. */
    public static boolean isHeartbeat(byte[] encoded) {
        return encoded[1] != 0; // after Codec's version byte, the flag toBytes writes first
    }

    public static SitePartial fromBytes(byte[] bytes) {
        return Codec.decode(bytes, in -> in.readBoolean()
                ? heartbeat(new SourceProgress(in.readInt(), in.readLong(), in.readBoolean()))
                : new SitePartial(Codec.readString(in), in.readLong(), BucketState.readFrom(in)));
    }
}
