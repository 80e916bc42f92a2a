package dev.tally.deploy.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server child JVM, run through {@link ParentWatchdog}. In: JVM options, class path, main class and
 * arguments, and an output file. Out: a running process whose stdout and stderr are appended to the
 * output file, and whose stdin pipe this object holds open for as long as the child should live.
 */
final class ChildProcess {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

    static final int TAIL_LINES = 20;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    /** Never written; closing it (or this JVM dying) is what tells the child to exit. */
    private final OutputStream stdin;
    private final Path outputFile;

    private ChildProcess(String name, Process process, Path outputFile) {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.outputFile = outputFile;
    }

    /**
     * Starts children in a session of their own where the OS allows it. Ctrl-C in a terminal signals the
     * whole foreground process group; the servers must not stop before the services that use them, so
     * only the launcher gets the signal and stops everything in order. {@code setsid} does not fork when
     * its caller is not a group leader (a child of this JVM never is), so the pid stays the server's.
     */
    private static final List<String> NEW_SESSION = findSetsid();

    private static List<String> findSetsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return List.of(candidate);
            }
        }
        return List.of();
    }

    /** The full command: this JVM's java, the options, the class path, the watchdog, the real main. */
    static List<String> command(List<String> jvmOptions, String classpath, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>(NEW_SESSION);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(ParentWatchdog.class.getName());
        command.add(mainClass);
        command.addAll(args);
        return List.copyOf(command);
    }

    static ChildProcess start(String name, List<String> command, Path outputFile) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(prepareOutput(name, command, outputFile).toFile()));
        try {
            return new ChildProcess(name, builder.start(), outputFile);
        } catch (IOException e) {
            throw new ServerStartException("Could not launch " + command.get(0) + " for the " + name + ": "
                    + e.getMessage(), List.of(outputFile), e);
        }
    }

    /**
     * Runs a short-lived tool to completion. Out: its stdout; its stderr goes to the output file.
     * Fails with the output file's tail if it exits with a non-zero status or outlives the timeout.
     */
    static String runTool(String name, List<String> command, Path outputFile, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(Redirect.appendTo(prepareOutput(name, command, outputFile).toFile()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ServerStartException("Could not launch " + command.get(0) + " for " + name + ": "
                    + e.getMessage(), List.of(outputFile), e);
        }
        // Held open while the tool runs: the watchdog would take a closed stdin for a dead parent.
        OutputStream stdin = process.getOutputStream();
        try (InputStream out = process.getInputStream()) {
            CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(out));
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                throw new ServerStartException(name + " did not finish within " + seconds(timeout) + " s. "
                        + LogTail.describe(outputFile, TAIL_LINES), List.of(outputFile));
            }
            String text = new String(stdout.get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS),
                    StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new ServerStartException(name + " failed with exit code " + process.exitValue()
                        + ". Its output: " + text.strip() + "\n" + LogTail.describe(outputFile, TAIL_LINES),
                        List.of(outputFile));
            }
            return text;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ServerStartException(name + " was interrupted", List.of(outputFile), e);
        } catch (IOException | ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new ServerStartException("Could not read the output of " + name + ": " + e,
                    List.of(outputFile), e);
        } finally {
            closeQuietly(stdin);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates the output file and marks where this run's output begins. */
    private static Path prepareOutput(String name, List<String> command, Path outputFile) {
        try {
            Files.createDirectories(outputFile.getParent());
            Files.writeString(outputFile,
                    "==== " + Instant.now() + " starting " + name + ": " + abbreviate(command) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return outputFile;
        } catch (IOException e) {
            throw new ServerStartException("Cannot write the " + name + " output file " + outputFile + ": "
                    + e.getMessage(), List.of(outputFile), e);
        }
    }

    /** The command without its class path, which would bury everything else. */
    private static String abbreviate(List<String> command) {
        List<String> shown = new ArrayList<>(command);
        int cp = shown.indexOf("-cp");
        if (cp >= 0 && cp + 1 < shown.size()) {
            shown.set(cp + 1, "<" + shown.get(cp + 1).split(File.pathSeparator).length + " class path entries>");
        }
        return String.join(" ", shown);
    }

    long pid() {
        return process.pid();
    }

    Path outputFile() {
        return outputFile;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Polls {@code ready} until it holds. Fails fast if the child exits, and with {@code notReadyReason}
     * once the deadline has passed. The caller stops the child on failure.
     */
    void awaitReady(Instant deadline, BooleanSupplier ready, Supplier<String> notReadyReason) {
        while (true) {
            if (!process.isAlive()) {
                throw failure("The " + name + " exited with code " + process.exitValue() + " during start-up.");
            }
            if (ready.getAsBoolean()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw failure("The " + name + " was not ready in time: " + notReadyReason.get() + ".");
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServerStartException("Interrupted while waiting for the " + name,
                        List.of(outputFile), e);
            }
        }
    }

    /** An exception whose message ends with the output file's tail. */
    ServerStartException failure(String what) {
        return new ServerStartException(what + "\n" + LogTail.describe(outputFile, TAIL_LINES),
                List.of(outputFile));
    }

    /** SIGTERM, then SIGKILL if the child outlives the grace period. Harmless if already stopped. */
    synchronized void stop() {
        if (process.isAlive()) {
            long started = System.nanoTime();
            LOG.info("Stopping the {} (pid {})", name, process.pid());
            process.destroy();
            boolean exited = waitFor(STOP_GRACE);
            if (!exited) {
                LOG.warn("The {} (pid {}) did not stop within {} s: killing it", name, process.pid(),
                        STOP_GRACE.toSeconds());
                process.destroyForcibly();
                waitFor(KILL_WAIT);
            } else {
                LOG.info("The {} stopped in {} s", name, seconds(Duration.ofNanos(System.nanoTime() - started)));
            }
        }
        closeStdin();
    }

    /** SIGKILL, as in a crash; returns once the process is gone. */
    synchronized void kill() {
        if (process.isAlive()) {
            LOG.info("Killing the {} (pid {})", name, process.pid());
            process.destroyForcibly();
            waitFor(KILL_WAIT);
        }
        closeStdin();
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // Stopping must not be abandoned half way: kill, and let the caller see the interrupt.
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void closeStdin() {
        closeQuietly(stdin);
    }

    private static void closeQuietly(OutputStream stdin) {
        try {
            stdin.close();
        } catch (IOException e) {
            // The child is gone; its end of the pipe no longer matters.
        }
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
    }
}
