package dev.tally.deploy.traffic;

import dev.tally.deploy.traffic.model.TrafficMix;
import java.time.Duration;

/**
 * How to run the generator.
 *
 * @param mix what the traffic looks like (sites, seed, shares)
 * @param eventsPerSecond the target rate of events (most requests carry one; late batches several)
 * @param duration how long to send; null sends until {@link TrafficGenerator#stop()}
 * @param connections keep-alive connections to the gateway, and so the most requests in flight at once
 * @param pixelPath the gateway's pixel path ({@code gateway.paths.pixel})
 * @param eventsPath the gateway's events API path ({@code gateway.paths.events})
 * @param progressEvery how often to log progress; null never
 * @param hitLimit stop after this many hits (requests), whatever the duration; 0 for no limit. A run
 *     with a limit sends exactly the first {@code hitLimit} hits of its seed's stream
 */
public record TrafficConfig(TrafficMix mix, double eventsPerSecond, Duration duration, int connections, String pixelPath,
                            String eventsPath, Duration progressEvery, long hitLimit) {

    public TrafficConfig {
        if (!(eventsPerSecond > 0) || eventsPerSecond > 1_000_000) {
            throw new IllegalArgumentException("the rate must be above 0 and at most 1000000 events/s, was " + eventsPerSecond);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("the duration must be positive");
        }
        if (connections < 1 || connections > 10_000) {
            throw new IllegalArgumentException("connections must be between 1 and 10000, was " + connections);
        }
        if (hitLimit < 0) {
            throw new IllegalArgumentException("the hit limit must be 0 (none) or positive");
        }
    }

    /**
     * The gateway's default paths, progress every 30 s, and enough connections for the rate: the
     * gateway answers once Kafka acknowledged (a few milliseconds on a quiet machine, a few hundred on
     * a crowded one), so one connection is counted for 20 requests a second, with at least 8.
     */
    public static TrafficConfig of(TrafficMix mix, double eventsPerSecond, Duration duration) {
        return new TrafficConfig(mix, eventsPerSecond, duration, defaultConnections(eventsPerSecond), "/a.gif", "/api/event",
                Duration.ofSeconds(30), 0);
    }

    public static int defaultConnections(double eventsPerSecond) {
        return (int) Math.max(8, Math.min(1024, Math.ceil(eventsPerSecond / 20)));
    }

    public TrafficConfig withConnections(int count) {
        return new TrafficConfig(mix, eventsPerSecond, duration, count, pixelPath, eventsPath, progressEvery, hitLimit);
    }

    public TrafficConfig withPaths(String pixel, String events) {
        return new TrafficConfig(mix, eventsPerSecond, duration, connections, pixel, events, progressEvery, hitLimit);
    }

    public TrafficConfig withHitLimit(long hits) {
        return new TrafficConfig(mix, eventsPerSecond, duration, connections, pixelPath, eventsPath, progressEvery, hits);
    }

    public TrafficConfig withProgressEvery(Duration every) {
        return new TrafficConfig(mix, eventsPerSecond, duration, connections, pixelPath, eventsPath, every, hitLimit);
    }
}
