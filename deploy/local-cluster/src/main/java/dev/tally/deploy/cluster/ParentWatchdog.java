package dev.tally.deploy.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every server child JVM: {@code ParentWatchdog <real main class> <its args...>}.
 *
 * <p>In: the parent keeps this process's stdin pipe open and never writes to it. When the pipe reaches
 * end of file, the parent is gone (closed, crashed or SIGKILLed), and this JVM exits with status 0 so
 * the server's own shutdown hooks still run. Out: whatever the real main does.
 *
 * <p>Runs inside the servers' class path, so it uses nothing beyond the JDK.
 */
public final class ParentWatchdog {

    /** Shutdown hooks that hang must not leave an orphan behind. */
    private static final long HALT_AFTER_MILLIS = 60_000;

    private ParentWatchdog() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("Usage: ParentWatchdog <main class> [args...]");
            System.exit(2);
        }
        Thread watchdog = new Thread(ParentWatchdog::exitWhenStdinCloses, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void exitWhenStdinCloses() {
        byte[] buffer = new byte[256];
        try {
            InputStream in = System.in;
            while (in.read(buffer) >= 0) {
                // The parent never writes; anything read is ignored.
            }
        } catch (IOException e) {
            // A broken pipe means the same as end of file: the parent is gone.
        }
        System.err.println("[ParentWatchdog] stdin closed (the parent stopped or died): exiting");
        Thread halter = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.err.println("[ParentWatchdog] shutdown hooks still running after "
                    + HALT_AFTER_MILLIS / 1000 + " s: halting");
            Runtime.getRuntime().halt(1);
        }, "parent-watchdog-halt");
        halter.setDaemon(true);
        halter.start();
        System.exit(0);
    }
}
