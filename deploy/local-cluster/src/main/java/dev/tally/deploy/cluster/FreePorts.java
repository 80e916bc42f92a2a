package dev.tally.deploy.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** TCP ports on the loopback interface: picking free ones for tests, and checking before a server binds. */
final class FreePorts {

    static final String LOOPBACK = "127.0.0.1";

    /**
     * Below Linux's ephemeral range (32768-60999): a port the kernel hands to some outgoing connection
     * between our check and the server's bind would make the server fail to start.
     */
    private static final int LOWEST = 20_000;
    private static final int HIGHEST = 32_000;
    private static final int ATTEMPTS = 200;

    /** Never hand out the same port twice in one JVM, even if its server has not bound it yet. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A port on 127.0.0.1 that nothing listens on now and that this JVM has not handed out before. */
    static int next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = random.nextInt(LOWEST, HIGHEST);
            if (!HANDED_OUT.contains(port) && isFree(LOOPBACK, port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free port found on " + LOOPBACK + " between " + LOWEST + " and "
                + HIGHEST + " after " + ATTEMPTS + " attempts");
    }

    static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether something accepts TCP connections on host:port now. */
    static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Fails, before anything is started, if one of the ports is taken: a clearer message than the
     * server's bind error, and no risk of talking to whoever holds the port.
     */
    static void requireFree(String server, String host, List<NamedPort> ports) {
        for (NamedPort port : ports) {
            if (!isFree(host, port.number())) {
                throw new ServerStartException("Cannot start the " + server + ": " + host + ":" + port.number()
                        + " (" + port.name() + ") is already in use. Is an earlier `tally run` or another "
                        + server + " still running? Stop it, or configure another port.", List.of());
            }
        }
    }

    record NamedPort(String name, int number) {
    }
}
