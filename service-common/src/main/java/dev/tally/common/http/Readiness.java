package dev.tally.common.http;

/**
 * One reason a service can or cannot take work right now, as shown on {@code /readyz}.
 *
 * @param ready whether this dependency is usable
 * @param detail a short operator-facing explanation, for example "Kafka unreachable at 127.0.0.1:9092"
 */
public record Readiness(boolean ready, String detail) {
    public static Readiness ok(String detail) {
        return new Readiness(true, detail);
    }

    public static Readiness notReady(String detail) {
        return new Readiness(false, detail);
    }
}
