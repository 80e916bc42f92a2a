package dev.tally.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A launcher or test JVM that dies, even by SIGKILL, leaves no server JVM behind. */
class OrphanedChildrenIT {

    @TempDir
    Path dir;

    private Process parent;
    private final AtomicLong childPid = new AtomicLong();

    @AfterEach
    void killEverything() throws InterruptedException {
        if (parent != null) {
            parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        ProcessHandle.of(childPid.get()).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void the_broker_exits_by_itself_when_its_parent_is_killed() throws Exception {
        Path kafkaDir = dir.resolve("kafka");
        parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                OrphanParentMain.class.getName(), kafkaDir.toString())
                .redirectErrorStream(true)
                .start();
        Thread reader = new Thread(this::readChildPid, "orphan-parent-output");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofMinutes(3))
                .until(() -> childPid.get() > 0 || !parent.isAlive());
        assertThat(childPid.get()).as("pid printed by the parent").isPositive();
        assertThat(ProcessHandle.of(childPid.get())).hasValueSatisfying(child -> assertThat(child.isAlive()).isTrue());

        parent.toHandle().destroyForcibly();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> ProcessHandle.of(childPid.get()).map(ProcessHandle::isAlive).orElse(false) == false);
        String output = Files.readString(kafkaDir.resolve("logs").resolve("kafka.out"), StandardCharsets.UTF_8);
        assertThat(output).as("the broker saw its stdin close").contains("[ParentWatchdog] stdin closed");
        assertThat(kafkaDir.resolve("data").resolve(".kafka_cleanshutdown"))
                .as("the broker's own shutdown hook ran").exists();
    }

    private void readChildPid() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println("[orphan parent] " + line);
                if (line.startsWith(OrphanParentMain.PID_PREFIX)) {
                    childPid.set(Long.parseLong(line.substring(OrphanParentMain.PID_PREFIX.length()).strip()));
                }
            }
        } catch (IOException e) {
            // The parent was killed: its output ends here.
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("Unreadable parent output", e));
        }
    }
}
