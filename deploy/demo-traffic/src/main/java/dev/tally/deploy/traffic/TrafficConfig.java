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
 */
public record TrafficConfig(TrafficMix mix, double eventsPerSecond, Duration duration, int connections, String pixelPath,
                            String eventsPath, Duration progressEvery) {

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
    }

    /**
     * The gateway's default paths, progress every 30 s, and enough connections for the rate: a
     * request takes a few milliseconds (Kafka acknowledges before the gateway answers), so one
     * connection carries about 50 requests a second without queueing.
     */
    public static TrafficConfig of(TrafficMix mix, double eventsPerSecond, Duration duration) {
        return new TrafficConfig(mix, eventsPerSecond, duration, defaultConnections(eventsPerSecond), "/a.gif", "/api/event",
                Duration.ofSeconds(30));
    }

    public static int defaultConnections(double eventsPerSecond) {
        return (int) Math.max(4, Math.min(512, Math.ceil(eventsPerSecond / 50)));
    }

    public TrafficConfig withConnections(int count) {
        return new TrafficConfig(mix, eventsPerSecond, duration, count, pixelPath, eventsPath, progressEvery);
    }

    public TrafficConfig withPaths(String pixel, String events) {
        return new TrafficConfig(mix, eventsPerSecond, duration, connections, pixel, events, progressEvery);
    }

    public TrafficConfig withProgressEvery(Duration every) {
        return new TrafficConfig(mix, eventsPerSecond, duration, connections, pixelPath, eventsPath, every);
    }
}
