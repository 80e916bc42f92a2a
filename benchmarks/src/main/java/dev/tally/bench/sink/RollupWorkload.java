package dev.tally.bench.sink;

import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * What the stream aggregator emits for a steady load, simulated in virtual time: {@code eventsPerSecond}
 * events spread evenly over {@code sites} sites, each event counted in the ten rollup dimensions (those
 * it has a value for) at minute, hour and day granularity; at the end of every second, one record per
 * bucket that changed in it, with its absolute values (Kafka Streams with record caching and a 1 s
 * commit interval emits exactly that).
 *
 * <p>Per event: page from 200 per site (Zipf, s = 1); a referrer host for 40% (20 hosts); channel (6);
 * utm_source for 20% (5) and utm_campaign for 10% (5); an event name for the 10% custom events (5);
 * browser (6), os (5), device (3). The visitor sketch is a fixed 512-byte stand-in: the sink treats
 * it as opaque bytes, and its size does not change how many writes are made.
 */
final class RollupWorkload {
    private static final String[] DIMENSIONS = {"total", "page", "referrer_host", "channel", "utm_source", "utm_campaign",
            "event_name", "browser", "os", "device"};
    private static final Granularity[] GRANULARITIES = Granularity.values();
    private static final long[] WIDTH = {60_000L, 3_600_000L, 86_400_000L};
    private static final ByteBuffer SKETCH = ByteBuffer.wrap(new byte[512]);

    private record Key(int site, int granularity, int dimension, String value, long bucket) {
    }

    private final int sites;
    private final int eventsPerSecond;
    private final Instant start;
    private final Random random;
    private final double[] pageCdf = zipfCdf(200, 1.0);
    private final Map<Key, long[]> totals = new HashMap<>();
    private long events;

    RollupWorkload(int sites, int eventsPerSecond, Instant start, long seed) {
        this.sites = sites;
        this.eventsPerSecond = eventsPerSecond;
        this.start = start;
        this.random = new Random(seed);
    }

    long events() {
        return events;
    }

    /** The records emitted at the end of virtual second {@code second} (0-based), in emission order. */
    List<Rollup> second(int second) {
        Set<Key> changed = new LinkedHashSet<>();
        long secondStart = start.toEpochMilli() + second * 1000L;
        for (int i = 0; i < eventsPerSecond; i++) {
            long time = secondStart + (i * 1000L) / eventsPerSecond;
            int site = i % sites;
            boolean custom = random.nextInt(10) == 0;
            String[] values = {
                    "",
                    "/page-" + sample(pageCdf),
                    random.nextInt(10) < 4 ? "ref" + random.nextInt(20) + ".example" : null,
                    "channel" + random.nextInt(6),
                    random.nextInt(10) < 2 ? "source" + random.nextInt(5) : null,
                    random.nextInt(10) == 0 ? "campaign" + random.nextInt(5) : null,
                    custom ? "event" + random.nextInt(5) : null,
                    "browser" + random.nextInt(6),
                    "os" + random.nextInt(5),
                    "device" + random.nextInt(3)};
            for (int g = 0; g < GRANULARITIES.length; g++) {
                long bucket = time - Math.floorMod(time, WIDTH[g]);
                for (int d = 0; d < DIMENSIONS.length; d++) {
                    if (values[d] == null) {
                        continue;
                    }
                    Key key = new Key(site, g, d, values[d], bucket);
                    long[] counts = totals.computeIfAbsent(key, k -> new long[2]);
                    counts[custom ? 1 : 0]++;
                    changed.add(key);
                }
            }
            events++;
        }
        Instant emitted = Instant.ofEpochMilli(secondStart + 1000L);
        List<Rollup> records = new ArrayList<>(changed.size());
        for (Key key : changed) {
            long[] counts = totals.get(key);
            records.add(Rollup.newBuilder()
                    .setSiteId("site-" + key.site())
                    .setGranularity(GRANULARITIES[key.granularity()])
                    .setDimension(DIMENSIONS[key.dimension()])
                    .setDimensionValue(key.value())
                    .setBucketStart(Instant.ofEpochMilli(key.bucket()))
                    .setPageviews(counts[0])
                    .setCustomEvents(counts[1])
                    .setVisitorsSketch(SKETCH.duplicate())
                    .setVisitorsEstimate(counts[0] + counts[1])
                    .setUpdatedAt(emitted)
                    .build());
        }
        // Buckets that can no longer change are dropped, as a windowed store forgets closed windows.
        totals.keySet().removeIf(key -> key.bucket() + WIDTH[key.granularity()] <= secondStart - 60_000L);
        return records;
    }

    private int sample(double[] cdf) {
        double u = random.nextDouble();
        int low = 0;
        int high = cdf.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cdf[mid] < u) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1 / Math.pow(k, s);
            cdf[k - 1] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }
}
