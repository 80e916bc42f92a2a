package dev.tally.aggregator.rollup;

import java.util.ArrayList;
import java.util.List;

/**
 * What the pre-aggregation step sends to the merge step: either a slice of one site's minute from one
 * input partition (the streaming form of write striping: the partitions are the stripes, the merge step
 * sums them), or a heartbeat carrying the sender's {@link SourceProgress}.
 *
 * <p>A slice comes in one of two forms, whichever is cheaper: {@code summed}, the slice's events already
 * summed per dimension value with a visitor sketch each (a busy site: hundreds of events, a few dozen
 * values), or {@code events}, the few events themselves. A quiet site's slice of a second holds one or two
 * events but a dozen values or more; summing it would cost a sketch per value to encode, decode and union,
 * where the merge step can count the events themselves for ten sketch updates each. Both forms count the
 * same: {@link Metrics#merge} of a sum equals {@link Metrics#add} of its events.
 *
 * @param summed   the summed form, or null
 * @param events   the events form, or null
 * @param progress only on heartbeats, which have an empty site id and neither form
 */
public record SitePartial(String siteId, long minuteStart, BucketState summed, List<RollupInput> events, SourceProgress progress) {
    private static final byte SUMMED = 0;
    private static final byte HEARTBEAT = 1; // earlier builds wrote a boolean "heartbeat" flag here: 0 or 1
    private static final byte EVENTS = 2;

    /** A summed slice. */
    public SitePartial(String siteId, long minuteStart, BucketState summed) {
        this(siteId, minuteStart, summed, null, null);
    }

    /** A slice of a few events, sent as they are. */
    public static SitePartial ofEvents(String siteId, long minuteStart, List<RollupInput> events) {
        return new SitePartial(siteId, minuteStart, null, List.copyOf(events), null);
    }

    /** Sent to every merge partition at each drain, so buckets close on partitions whose sites are quiet too. */
    public static SitePartial heartbeat(SourceProgress progress) {
        return new SitePartial("", 0, null, null, progress);
    }

    public boolean isHeartbeat() {
        return progress != null;
    }

    /** How many events this slice counts (0 for a heartbeat). */
    public long eventCount() {
        if (summed != null) {
            return summed.events();
        }
        return events == null ? 0 : events.size();
    }

    public byte[] toBytes() {
        return Codec.encode(out -> {
            if (isHeartbeat()) {
                out.writeByte(HEARTBEAT);
                out.writeInt(progress.source());
                out.writeLong(progress.streamTimeMs());
                out.writeBoolean(progress.readRecords());
                return;
            }
            out.writeByte(summed != null ? SUMMED : EVENTS);
            Codec.writeString(out, siteId);
            out.writeLong(minuteStart);
            if (summed != null) {
                summed.writeTo(out);
            } else {
                out.writeInt(events.size());
                for (RollupInput event : events) {
                    event.writeTo(out);
                }
            }
        });
    }

    /** Whether {@code encoded} (from {@link #toBytes}) is a heartbeat, without decoding the rest. */
    public static boolean isHeartbeat(byte[] encoded) {
        return encoded[1] == HEARTBEAT; // after Codec's version byte, the form toBytes writes first
    }

    public static SitePartial fromBytes(byte[] bytes) {
        return Codec.decode(bytes, in -> {
            byte form = in.readByte();
            if (form == HEARTBEAT) {
                return heartbeat(new SourceProgress(in.readInt(), in.readLong(), in.readBoolean()));
            }
            String siteId = Codec.readString(in);
            long minuteStart = in.readLong();
            if (form == SUMMED) {
                return new SitePartial(siteId, minuteStart, BucketState.readFrom(in));
            }
            if (form != EVENTS) {
                throw new IllegalStateException("Unknown partial form " + form);
            }
            int count = in.readInt();
            List<RollupInput> events = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                events.add(RollupInput.readFrom(in));
            }
            return new SitePartial(siteId, minuteStart, null, events, null);
        });
    }
}
