package dev.tally.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

    @TempDir
    Path dir;

    @Test
    void missing_file_has_no_lines() {
        assertThat(LogTail.lastLines(dir.resolve("absent.out"), 20)).isEmpty();
        assertThat(LogTail.describe(dir.resolve("absent.out"), 20)).contains("absent.out").contains("empty");
    }

    @Test
    void keeps_the_last_lines_without_blank_ones() throws IOException {
        Path file = write("one\n\ntwo\nthree\nfour\n");

        assertThat(LogTail.lastLines(file, 3)).containsExactly("two", "three", "four");
    }

    @Test
    void folds_stack_frames_so_the_exception_lines_fit() throws IOException {
        String frames = IntStream.range(0, 30).mapToObj(i -> "\tat some.Class.method(Class.java:" + i + ")")
                .collect(Collectors.joining("\n"));
        Path file = write("starting\nException in thread \"main\" java.lang.IllegalStateException: boom\n" + frames
                + "\nCaused by: java.io.IOException: disk full\n\tat other.Class.m(Class.java:1)\n\t... 22 more\n");

        assertThat(LogTail.lastLines(file, 20)).containsExactly(
                "starting",
                "Exception in thread \"main\" java.lang.IllegalStateException: boom",
                "    ... 30 stack frames",
                "Caused by: java.io.IOException: disk full",
                "    ... 2 stack frames");
    }

    @Test
    void reads_only_the_end_of_a_large_file_and_drops_the_partial_first_line() throws IOException {
        String text = IntStream.range(0, 20_000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
        Path file = write(text + "\n");

        assertThat(LogTail.lastLines(file, 2)).containsExactly("line 19998", "line 19999");
        assertThat(LogTail.lastLines(file, 100_000)).allMatch(line -> line.matches("line \\d+"));
    }

    @Test
    void describe_names_the_file_and_indents_its_lines() throws IOException {
        Path file = write("a\nb\n");

        assertThat(LogTail.describe(file, 20)).isEqualTo("Last lines of " + file + ":\n    a\n    b");
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("server.out");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
