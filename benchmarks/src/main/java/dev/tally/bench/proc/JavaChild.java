package dev.tally.bench.proc;

import dev.tally.deploy.cluster.ParentWatchdog;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server under test in a JVM of its own, started through the local cluster's {@link ParentWatchdog}
 * so it exits when this process dies, whatever kills it. Its stdout and stderr go to a file.
 */
public final class JavaChild implements AutoCloseable {
    private final String name;
    private final Process process;
    private final OutputStream stdin;
    private final Path output;

    private JavaChild(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.output = output;
    }

    /**
     * {@code java <jvmOptions> -cp <this JVM's class path> ParentWatchdog <mainClass> <args>}, with this
     * process's environment minus any {@code TALLY_*} variable, plus {@code environment}: a setting left in
     * the caller's shell must not change what is measured.
     */
    public static JavaChild start(String name, List<String> jvmOptions, String mainClass, List<String> args,
                                  Map<String, String> environment, Path output) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ParentWatchdog.class.getName());
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(Redirect.appendTo(output.toFile()));
        builder.environment().keySet().removeIf(variable -> variable.startsWith("TALLY_"));
        builder.environment().putAll(environment);
        try {
            Files.writeString(output, "$ " + String.join(" ", command) + "\n");
            return new JavaChild(name, builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name, e);
        }
    }

    /** Polls {@code url} until it answers 200; fails with the output file named if the deadline passes. */
    public void awaitReady(String url, Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with status " + process.exitValue() + "; see " + output);
            }
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body().trim();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + name, e);
            }
            try {
                Thread.sleep(200); // polling an external process; nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + name, e);
            }
        }
        throw new IllegalStateException(name + " not ready at " + url + " after " + timeout.toSeconds() + " s (last: " + last + "); see " + output);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path output() {
        return output;
    }

    /** SIGTERM (shutdown hooks run), SIGKILL after 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            stdin.close();
        } catch (IOException e) {
            // Already gone.
        }
    }
}
