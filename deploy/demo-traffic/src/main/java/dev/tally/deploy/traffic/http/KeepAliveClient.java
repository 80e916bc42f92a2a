package dev.tally.deploy.traffic.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A small non-blocking HTTP/1.1 client for one server: a fixed set of keep-alive connections, each
 * with at most one request in flight, driven by the caller's thread through {@link #poll}. The number
 * of connections bounds the requests in flight; {@link #hasIdleConnection()} says when one more fits.
 * One thread pushes tens of thousands of small requests a second through it, where a client with a
 * thread or future chain per request would take the CPU the server under test needs.
 *
 * <p>Connections are opened on first use (a blocking connect, on the local machine immediate) and
 * again after the server closed one. A request without a complete answer within the response timeout
 * fails and its connection is closed. Not thread-safe, except {@link #wakeup()}.
 */
public final class KeepAliveClient implements AutoCloseable {
    private static final int MAX_RESPONSE_BYTES = 1 << 20;

    /** What became of a request. */
    public interface Listener {
        /** A complete response arrived. */
        void answered(Object tag, int status, String rejectedHeader, byte[] body);

        /** No response: the connection failed, was closed, or the answer took too long. */
        void failed(Object tag, String reason);
    }

    private final InetSocketAddress target;
    private final Listener listener;
    private final long timeoutNanos;
    private final Selector selector;
    private final List<Connection> connections = new ArrayList<>();
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private int inFlight;
    private long lastTimeoutCheck = System.nanoTime();

    public KeepAliveClient(InetSocketAddress target, int connections, Duration responseTimeout, Listener listener) {
        if (connections < 1) {
            throw new IllegalArgumentException("at least one connection");
        }
        this.target = target;
        this.listener = listener;
        this.timeoutNanos = responseTimeout.toNanos();
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a selector", e);
        }
        for (int i = 0; i < connections; i++) {
            Connection connection = new Connection();
            this.connections.add(connection);
            idle.add(connection);
        }
    }

    public boolean hasIdleConnection() {
        return !idle.isEmpty();
    }

    public int inFlight() {
        return inFlight;
    }

    /** Sends {@code request} on an idle connection; the listener hears about {@code tag} later (or at once if connecting fails). */
    public void send(byte[] request, Object tag) {
        Connection connection = idle.poll();
        if (connection == null) {
            throw new IllegalStateException("no idle connection: check hasIdleConnection() first");
        }
        if (connection.channel == null) {
            try {
                connection.open();
            } catch (IOException e) {
                idle.add(connection);
                listener.failed(tag, "cannot connect to " + target + ": " + e.getMessage());
                return;
            }
        }
        connection.tag = tag;
        connection.sentAt = System.nanoTime();
        connection.out = ByteBuffer.wrap(request);
        inFlight++;
        try {
            connection.channel.write(connection.out);
            if (connection.out.hasRemaining()) {
                connection.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        } catch (IOException e) {
            fail(connection, "write failed: " + e.getMessage());
        }
    }

    /** Waits up to {@code timeoutMillis} (0: not at all) for the network, then hands every complete answer to the listener. */
    public void poll(long timeoutMillis) {
        try {
            if (timeoutMillis <= 0) {
                selector.selectNow();
            } else {
                selector.select(timeoutMillis);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Selector failed", e);
        }
        for (SelectionKey key : selector.selectedKeys()) {
            Connection connection = (Connection) key.attachment();
            if (!key.isValid()) {
                continue;
            }
            if (key.isWritable()) {
                flush(connection);
            }
            if (key.isValid() && key.isReadable()) {
                read(connection);
            }
        }
        selector.selectedKeys().clear();
        expireSlowRequests();
    }

    /** Gives up on every request still in flight: each fails with {@code reason}, and its connection is closed. */
    public void abandonInFlight(String reason) {
        for (Connection connection : connections) {
            if (connection.tag != null) {
                fail(connection, reason);
            }
        }
    }

    /** Makes a {@link #poll} in progress return now; any thread may call it. */
    public void wakeup() {
        selector.wakeup();
    }

    private void flush(Connection connection) {
        try {
            connection.channel.write(connection.out);
            if (!connection.out.hasRemaining()) {
                connection.key.interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            fail(connection, "write failed: " + e.getMessage());
        }
    }

    private void read(Connection connection) {
        int read;
        try {
            if (!connection.in.hasRemaining()) {
                if (connection.in.capacity() >= MAX_RESPONSE_BYTES) {
                    fail(connection, "response larger than " + MAX_RESPONSE_BYTES + " bytes");
                    return;
                }
                ByteBuffer larger = ByteBuffer.allocate(connection.in.capacity() * 2);
                connection.in.flip();
                larger.put(connection.in);
                connection.in = larger;
            }
            read = connection.channel.read(connection.in);
        } catch (IOException e) {
            read = -1;
        }
        if (read < 0) {
            if (connection.tag != null) {
                fail(connection, "the server closed the connection before answering");
            } else {
                connection.close(); // an idle keep-alive connection the server let go; reopened when needed
            }
            return;
        }
        if (connection.tag == null) {
            return; // nothing asked: bytes of nothing; ignored until the next request
        }
        HttpResponses.Parsed response;
        try {
            response = HttpResponses.parse(connection.in.array(), connection.in.position());
        } catch (HttpResponses.MalformedResponseException e) {
            fail(connection, e.getMessage());
            return;
        }
        if (response == null) {
            return;
        }
        Object tag = connection.tag;
        connection.tag = null;
        connection.in.clear();
        inFlight--;
        if (response.closes()) {
            connection.close();
        }
        idle.add(connection);
        listener.answered(tag, response.status(), response.rejected(), response.body());
    }

    private void expireSlowRequests() {
        long now = System.nanoTime();
        if (now - lastTimeoutCheck < 100_000_000L) {
            return;
        }
        lastTimeoutCheck = now;
        for (Connection connection : connections) {
            if (connection.tag != null && now - connection.sentAt > timeoutNanos) {
                fail(connection, "no answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
            }
        }
    }

    private void fail(Connection connection, String reason) {
        Object tag = connection.tag;
        connection.tag = null;
        connection.close();
        if (tag != null) {
            inFlight--;
            idle.add(connection);
            listener.failed(tag, reason);
        }
    }

    @Override
    public void close() {
        for (Connection connection : connections) {
            connection.close();
        }
        try {
            selector.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }

    private final class Connection {
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(4096);
        ByteBuffer out;
        Object tag;
        long sentAt;

        void open() throws IOException {
            SocketChannel opened = SocketChannel.open(target);
            try {
                opened.setOption(StandardSocketOptions.TCP_NODELAY, true);
                opened.configureBlocking(false);
                key = opened.register(selector, SelectionKey.OP_READ, this);
            } catch (IOException e) {
                opened.close();
                throw e;
            }
            channel = opened;
            in.clear();
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // Gone either way.
                }
                channel = null;
                key = null;
            }
            in.clear();
        }
    }
}
