package dev.tally.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A constant-rate (open-loop) HTTP/1.1 load generator for latency at a given request rate, written
 * because Debian 12 packages neither wrk2 nor vegeta.
 *
 * <p>Request {@code i} is scheduled at {@code start + i / rate}, whatever happened to earlier ones, and
 * sent on a free keep-alive connection (one request in flight per connection; if none is free it waits
 * for one). Latency is measured from the <em>scheduled</em> send time to the end of the response, so a
 * stalled server is charged for every request it delayed (no coordinated omission, as in wrk2).
 *
 * <p>One thread sends and receives: it sleeps in {@code epoll_wait}, whose timeout has millisecond
 * resolution, so a request is typically sent up to about 1 ms after its scheduled time, as with wrk2.
 * That delay is part of the measured latency and is reported on its own ({@link Result#sendDelayMicros}).
 * A thread per direction would send on time but cost about twice the CPU in wake-ups, taken from the
 * server on a small machine.
 *
 * <p>In: target address, the request mix, connections. Out: a {@link Result} for the measured part of
 * the run (requests scheduled after the warm-up).
 */
public final class OpenLoopLoad {
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress target;
    private final List<ByteBuffer> requests;
    private final int connections;

    public OpenLoopLoad(InetSocketAddress target, List<PixelRequests.Request> mix, int connections) {
        this.target = target;
        String host = target.getHostString() + ":" + target.getPort();
        this.requests = mix.stream().map(r -> ByteBuffer.wrap(r.toHttp(host)).asReadOnlyBuffer()).toList();
        this.connections = connections;
    }

    /**
     * The measured part of a run.
     *
     * @param scheduled requests scheduled in the measured part
     * @param completed responses to them
     * @param non200    responses with another status than 200
     * @param errors    requests without a response (connection closed or reset, not answered within 10 s
     *                  of the end, never sent)
     * @param latencyMicros   from scheduled send time to the last byte of the response
     * @param sendDelayMicros from scheduled to actual send time: the generator's own share of the latency,
     *                        or a wait for a free connection
     */
    public record Result(double targetRate, double seconds, long scheduled, long completed, long non200, long errors,
                         Histogram latencyMicros, Histogram sendDelayMicros) {
        public double achievedRate() {
            return completed / seconds;
        }

        public long percentileMicros(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile);
        }

        public String summary() {
            return String.format(Locale.ROOT, "%.0f req/s target, %.0f achieved, %d non-200, %d errors;"
                            + " latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms;"
                            + " send delay p50 %.2f ms, p99 %.2f ms",
                    targetRate, achievedRate(), non200, errors, millis(latencyMicros, 50), millis(latencyMicros, 90),
                    millis(latencyMicros, 99), millis(latencyMicros, 99.9), latencyMicros.getMaxValue() / 1000.0,
                    millis(sendDelayMicros, 50), millis(sendDelayMicros, 99));
        }

        private static double millis(Histogram histogram, double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /** Sends {@code rate} requests per second for {@code warmup + duration}, and waits for the last answers. */
    public Result run(double rate, Duration warmup, Duration duration) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate must be positive, was " + rate);
        }
        double nanosPerRequest = 1e9 / rate;
        long warmupCount = (long) (warmup.toNanos() / nanosPerRequest);
        long measuredCount = (long) (duration.toNanos() / nanosPerRequest);
        long total = warmupCount + measuredCount;
        Histogram latency = new Histogram(HIGHEST_MICROS, 3);
        Histogram sendDelay = new Histogram(HIGHEST_MICROS, 3);
        long completed = 0;
        long non200 = 0;
        List<Connection> open = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            ArrayDeque<Connection> idle = new ArrayDeque<>();
            for (int i = 0; i < connections; i++) {
                Connection connection = open(selector);
                open.add(connection);
                idle.add(connection);
            }
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
            long next = 0;
            long drainDeadline = Long.MAX_VALUE;
            while (true) {
                long now = System.nanoTime();
                while (next < total && !idle.isEmpty()) {
                    long due = start + (long) (next * nanosPerRequest);
                    if (due > now) {
                        break;
                    }
                    Connection connection = idle.poll();
                    connection.send(requests.get((int) (next % requests.size())).duplicate(), due, next >= warmupCount);
                    if (connection.measured) {
                        sendDelay.recordValue(Math.min((now - due) / 1000, HIGHEST_MICROS));
                    }
                    next++;
                }
                if (next == total) {
                    if (idle.size() == open.size()) {
                        break;
                    }
                    drainDeadline = Math.min(drainDeadline, now + DRAIN_NANOS);
                    if (now > drainDeadline) {
                        break; // unanswered requests count as errors
                    }
                }
                long timeoutMillis = 100;
                if (next < total && !idle.isEmpty()) {
                    long wait = start + (long) (next * nanosPerRequest) - now;
                    timeoutMillis = Math.max(1, wait / 1_000_000);
                }
                selector.select(timeoutMillis);
                long received = System.nanoTime();
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection connection = (Connection) key.attachment();
                    int status = connection.receive();
                    if (status == Connection.CLOSED) {
                        // The server closed the connection: the request in flight is lost; replace the connection.
                        open.remove(connection);
                        Connection replacement = open(selector);
                        open.add(replacement);
                        idle.add(replacement);
                    } else if (status > 0) {
                        if (connection.measured) {
                            completed++;
                            if (status != 200) {
                                non200++;
                            }
                            latency.recordValue(Math.min((received - connection.scheduledNanos) / 1000, HIGHEST_MICROS));
                        }
                        idle.add(connection);
                    }
                }
                selector.selectedKeys().clear();
            }
            return new Result(rate, duration.toNanos() / 1e9, measuredCount, completed, non200, measuredCount - completed,
                    latency, sendDelay);
        } catch (IOException e) {
            throw new UncheckedIOException("Open-loop load against " + target + " failed", e);
        } finally {
            for (Connection connection : open) {
                try {
                    connection.channel.close();
                } catch (IOException e) {
                    // Closing anyway.
                }
            }
        }
    }

    private Connection open(Selector selector) throws IOException {
        SocketChannel channel = SocketChannel.open(target);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        Connection connection = new Connection(channel);
        channel.register(selector, SelectionKey.OP_READ, connection);
        return connection;
    }

    /** One keep-alive connection with at most one request in flight. */
    private static final class Connection {
        static final int CLOSED = -2;
        static final int INCOMPLETE = -1;

        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        long scheduledNanos;
        boolean measured;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        void send(ByteBuffer request, long scheduled, boolean measured) throws IOException {
            this.scheduledNanos = scheduled;
            this.measured = measured;
            while (request.hasRemaining()) {
                // A few hundred bytes into an empty socket buffer: one write, never zero in practice.
                if (channel.write(request) == 0) {
                    Thread.onSpinWait();
                }
            }
        }

        /** The status once the whole response is in, {@link #INCOMPLETE} before, {@link #CLOSED} if the server closed. */
        int receive() throws IOException {
            int read;
            try {
                read = channel.read(in);
            } catch (IOException e) {
                read = -1;
            }
            if (read < 0) {
                channel.close();
                return CLOSED;
            }
            int status = completeResponseStatus(in);
            if (status > 0) {
                in.clear();
            }
            return status;
        }
    }

    /**
     * The status of the response in {@code in} (position = bytes read) if all of it has arrived, else -1.
     * Understands Content-Length bodies only, which is what both servers send.
     */
    static int completeResponseStatus(ByteBuffer in) {
        byte[] bytes = in.array();
        int length = in.position();
        int headerEnd = -1;
        for (int i = 3; i < length; i++) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                headerEnd = i + 1;
                break;
            }
        }
        if (headerEnd < 0) {
            if (length == bytes.length) {
                throw new IllegalStateException("Response headers larger than " + bytes.length + " bytes");
            }
            return -1;
        }
        int contentLength = 0;
        for (int line = indexOfLineEnd(bytes, 0, headerEnd) + 2; line < headerEnd - 2; line = indexOfLineEnd(bytes, line, headerEnd) + 2) {
            if (startsWithIgnoreCase(bytes, line, CONTENT_LENGTH)) {
                contentLength = parseNumber(bytes, line + CONTENT_LENGTH.length, headerEnd);
            } else if (startsWithIgnoreCase(bytes, line, TRANSFER_ENCODING)) {
                throw new IllegalStateException("Only Content-Length responses are supported, not Transfer-Encoding");
            }
        }
        if (length < headerEnd + contentLength) {
            return -1;
        }
        if (length > headerEnd + contentLength) {
            throw new IllegalStateException("Bytes after the response: the server answered a request not sent");
        }
        // "HTTP/1.1 200 OK": the status is bytes 9 to 11.
        return (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
    }

    private static int indexOfLineEnd(byte[] bytes, int from, int end) {
        for (int i = from; i + 1 < end; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return end;
    }

    private static boolean startsWithIgnoreCase(byte[] bytes, int offset, byte[] lowerCasePrefix) {
        if (offset + lowerCasePrefix.length > bytes.length) {
            return false;
        }
        for (int i = 0; i < lowerCasePrefix.length; i++) {
            if (Character.toLowerCase(bytes[offset + i]) != lowerCasePrefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int parseNumber(byte[] bytes, int from, int end) {
        int value = 0;
        for (int i = from; i < end && bytes[i] != '\r'; i++) {
            if (bytes[i] >= '0' && bytes[i] <= '9') {
                value = value * 10 + (bytes[i] - '0');
            }
        }
        return value;
    }

    /** Standalone use: {@code OpenLoopLoad <host> <port> <rate> <seconds> [connections]}. */
    public static void main(String[] args) {
        if (args.length < 4) {
            System.err.println("Usage: OpenLoopLoad <host> <port> <requests per second> <seconds> [connections]");
            System.exit(2);
        }
        OpenLoopLoad load = new OpenLoopLoad(new InetSocketAddress(args[0], Integer.parseInt(args[1])),
                PixelRequests.mix(64), args.length > 4 ? Integer.parseInt(args[4]) : 64);
        Result result = load.run(Double.parseDouble(args[2]), Duration.ofSeconds(3), Duration.ofSeconds(Long.parseLong(args[3])));
        System.out.println(result.summary());
    }
}
