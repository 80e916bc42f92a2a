package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.Granularity;
import java.util.Comparator;

/** One site's bucket in one tier. */
public record BucketId(Granularity granularity, long start, String siteId) {
    /** Tier, then start, then site: the order in which buckets close and a store lists them. */
    public static final Comparator<BucketId> ORDER = Comparator.comparing(BucketId::granularity)
            .thenComparingLong(BucketId::start)
            .thenComparing(BucketId::siteId);
}
