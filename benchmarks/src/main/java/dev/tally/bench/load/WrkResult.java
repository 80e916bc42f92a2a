package dev.tally.bench.load;

/**
 * One wrk run.
 *
 * @param requests      responses received
 * @param durationMicros wall time of the run
 * @param non2xx        responses with a status other than 2xx or 3xx
 * @param socketErrors  connect, read, write errors and timeouts
 * @param p50Micros     closed-loop latency median (coordinated omission: not a latency under load)
 * @param p99Micros     closed-loop latency 99th percentile
 */
public record WrkResult(long requests, long durationMicros, long non2xx, long socketErrors, long p50Micros,
                        long p99Micros) {

    public double requestsPerSecond() {
        return requests * 1_000_000.0 / durationMicros;
    }

    public boolean clean() {
        return non2xx == 0 && socketErrors == 0;
    }
}
