package dev.tally.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParentWatchdogIT {

    @TempDir
    Path dir;

    private Process child;

    @AfterEach
    void killChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void runs_the_real_main_and_exits_cleanly_when_stdin_closes() throws Exception {
        Path out = dir.resolve("child.out");
        child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                ParentWatchdog.class.getName(), BlockingMain.class.getName(), "one", "two words")
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> read(out).contains("BlockingMain started with [one, two words]"));
        assertThat(child.isAlive()).isTrue();

        child.getOutputStream().close();

        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        assertThat(read(out)).contains("[ParentWatchdog] stdin closed").contains("BlockingMain shutdown hook ran");
    }

    private static String read(Path file) throws java.io.IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
