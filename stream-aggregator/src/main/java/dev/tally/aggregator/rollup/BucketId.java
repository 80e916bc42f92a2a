package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.Granularity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One site's bucket in one tier. Its byte form sorts by granularity, then bucket start, then site, so a
 * store can find every closed bucket of a tier with one range scan.
 */
public record BucketId(Granularity granularity, long start, String siteId) {

    public byte[] toBytes() {
        byte[] site = siteId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + Long.BYTES + site.length)
                .put((byte) granularity.ordinal())
                .putLong(start)
                .put(site)
                .array();
    }

    public static BucketId fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        Granularity granularity = Granularity.values()[buffer.get()];
        long start = buffer.getLong();
        String site = new String(bytes, 1 + Long.BYTES, bytes.length - 1 - Long.BYTES, StandardCharsets.UTF_8);
        return new BucketId(granularity, start, site);
    }

    /**
     * Lowest key of {@code granularity} (inclusive) and the key just above every bucket of it starting
     * at or before {@code lastStart} (exclusive bound: no real key equals it, every real key has a site).
     */
    public static byte[] lowestKey(Granularity granularity) {
        return ByteBuffer.allocate(1 + Long.BYTES).put((byte) granularity.ordinal()).putLong(0).array();
    }

    public static byte[] keyAbove(Granularity granularity, long lastStart) {
        return ByteBuffer.allocate(1 + Long.BYTES).put((byte) granularity.ordinal()).putLong(lastStart + 1).array();
    }
}
