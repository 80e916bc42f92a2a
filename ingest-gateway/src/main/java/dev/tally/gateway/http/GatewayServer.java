package dev.tally.gateway.http;

import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;
import org.xnio.conduits.StreamSourceConduit;

/**
 * The gateway's HTTP/1.1 listener: Undertow's own HTTP parser and handlers, bootstrapped by hand (as
 * {@code Undertow.start()} does) for one reason: every accepted connection's read side goes through a
 * {@link MalformedEscapeConduit} before Undertow parses it, so a pixel hit with a broken {@code %}
 * escape reaches the pixel handler (GIF, reason header, metric) instead of Undertow's bare 400.
 */
public final class GatewayServer implements AutoCloseable {
    private static final int BUFFER_SIZE = 16 * 1024 - 20;

    private final XnioWorker worker;
    private final AcceptingChannel<StreamConnection> channel;
    private final ByteBufferPool buffers;

    private GatewayServer(XnioWorker worker, AcceptingChannel<StreamConnection> channel, ByteBufferPool buffers) {
        this.worker = worker;
        this.channel = channel;
        this.buffers = buffers;
    }

    /**
     * Binds {@code host:port} (0: any free port) with {@code ioThreads} IO threads (0: one per core, at
     * least two) and eight worker threads per IO thread, Undertow's defaults.
     */
    public static GatewayServer start(String host, int port, int ioThreads, long maxEntityBytes, HttpHandler handler) {
        int io = ioThreads > 0 ? ioThreads : Math.max(Runtime.getRuntime().availableProcessors(), 2);
        try {
            XnioWorker worker = Xnio.getInstance(GatewayServer.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_IO_THREADS, io)
                    .set(Options.WORKER_TASK_CORE_THREADS, io * 8)
                    .set(Options.WORKER_TASK_MAX_THREADS, io * 8)
                    .set(Options.TCP_NODELAY, true)
                    .set(Options.CORK, true)
                    .set(Options.WORKER_NAME, "gateway")
                    .getMap());
            OptionMap undertowOptions = OptionMap.builder()
                    .set(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                    // The pixel decodes its query itself, strictly, so that bad input gets the GIF and a
                    // reason. Unescaped characters are let through for the same reason (and because
                    // the marked escapes arrive as the unescaped byte 0xFF).
                    .set(UndertowOptions.DECODE_URL, false)
                    .set(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true)
                    // Also bounds chunked bodies, whose limit is fixed when the request is parsed.
                    .set(UndertowOptions.MAX_ENTITY_SIZE, maxEntityBytes)
                    .getMap();
            ByteBufferPool buffers = new DefaultByteBufferPool(true, BUFFER_SIZE, -1, 4);
            HttpOpenListener http = new HttpOpenListener(buffers, undertowOptions);
            http.setRootHandler(handler);
            ChannelListener<StreamConnection> guarded = connection -> {
                var source = connection.getSourceChannel();
                StreamSourceConduit raw = source.getConduit();
                source.setConduit(new MalformedEscapeConduit(raw));
                http.handleEvent(connection);
            };
            OptionMap socketOptions = OptionMap.builder()
                    .set(Options.WORKER_IO_THREADS, io)
                    .set(Options.TCP_NODELAY, true)
                    .set(Options.REUSE_ADDRESSES, true)
                    .set(Options.BALANCING_TOKENS, 1)
                    .set(Options.BALANCING_CONNECTIONS, 2)
                    .set(Options.BACKLOG, 1000)
                    .getMap();
            AcceptingChannel<StreamConnection> channel = worker.createStreamConnectionServer(
                    new InetSocketAddress(host, port), ChannelListeners.openListenerAdapter(guarded), socketOptions);
            channel.resumeAccepts();
            return new GatewayServer(worker, channel, buffers);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + " (is the port taken? set TALLY_GATEWAY_HTTP_PORT)", e);
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a listening socket: nothing left to do
        }
        worker.shutdown();
        try {
            worker.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
        buffers.close();
    }
}
