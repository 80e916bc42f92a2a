package dev.tally.common.http;

import io.undertow.Undertow;
import java.net.InetSocketAddress;

/**
 * A small Undertow server answering only {@link AdminEndpoints}: for services without an HTTP API of
 * their own (stream-aggregator, cassandra-sink). Two IO threads are plenty for probes and scrapes.
 */
public final class AdminServer implements AutoCloseable {
    private final Undertow server;
    private final int port;

    private AdminServer(Undertow server, int port) {
        this.server = server;
        this.port = port;
    }

    public static AdminServer start(String host, int port, AdminEndpoints endpoints) {
        Undertow server = Undertow.builder()
                .addHttpListener(port, host)
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setHandler(endpoints.handler())
                .build();
        server.start();
        return new AdminServer(server, boundPort(server));
    }

    /** The port actually bound, also when 0 asked for a free one. */
    public static int boundPort(Undertow server) {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        server.stop();
    }
}
