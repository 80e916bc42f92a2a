package dev.tally.gateway.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TrackerScriptTest {
    private static final TrackerScript SCRIPT =
            TrackerScript.load(TrackerScript.DEFAULT_API_PATH, TrackerScript.DEFAULT_PIXEL_PATH);

    @Test
    void puts_the_configured_paths_in_place_of_the_placeholders() {
        TrackerScript script = TrackerScript.load("/t/collect_v2", "/t/p.gif");

        assertThat(script.text())
                .contains("+'/t/collect_v2'")
                .contains("+'/t/p.gif?'")
                .doesNotContain("__TALLY_")
                .doesNotContain("/api/event");
        assertThat(SCRIPT.text()).contains("+'/api/event'").contains("+'/a.gif?'");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"api/event", "https://tally.example.com/api/event", "/api event", "/api'+alert(1)+'",
        "/api\\x", "/api?x=1", "/api#x", "/\u00e9v\u00e9nement", "/api\n"})
    void rejects_a_path_that_does_not_start_with_a_slash_or_needs_escaping(String path) {
        assertThatThrownBy(() -> TrackerScript.load(path, "/a.gif"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("API path");
        assertThatThrownBy(() -> TrackerScript.load("/api/event", path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pixel path");
    }

    @Test
    void the_served_script_gzips_to_at_most_1024_bytes() throws IOException {
        assertThat(SCRIPT.gzippedSize()).isLessThanOrEqualTo(1024);
        assertThat(gunzip(SCRIPT.gzipped())).isEqualTo(SCRIPT.bytes());
        assertThat(SCRIPT.size()).isEqualTo(SCRIPT.text().getBytes(StandardCharsets.UTF_8).length);
        System.out.printf("tracker: source %d bytes, served %d bytes, gzipped %d bytes%n",
                TrackerScript.readSource().getBytes(StandardCharsets.UTF_8).length, SCRIPT.size(), SCRIPT.gzippedSize());
    }

    @Test
    void the_served_script_has_no_comments_and_no_indentation() {
        String source = TrackerScript.readSource();
        String served = SCRIPT.text();

        assertThat(source).contains("/*").contains("// Nothing in here may throw");
        assertThat(served)
                .doesNotContain("/*")
                .doesNotContain("*/")
                .doesNotContain("//")
                .doesNotContain("  ")
                .doesNotContain("\t")
                .doesNotContain("\n ");
        assertThat(served.length()).isLessThan(source.length() / 3);
    }

    @Test
    void node_accepts_the_served_script() throws Exception {
        // Also where the node tests (src/test/js) look for the served bytes.
        Path file = Path.of(System.getProperty("basedir", "."), "target", "tracker", "a.js");
        Files.createDirectories(file.getParent());
        Files.write(file, SCRIPT.bytes());
        // A hard requirement, not a skip: the served bytes must parse. .ci/run installs Node.js if missing.
        assertThat(nodeOnPath()).as("node on the PATH (Debian: apt-get install nodejs)").isTrue();

        Process node = new ProcessBuilder("node", "--check", file.toString()).redirectErrorStream(true).start();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node --check finished").isTrue();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(node.exitValue()).as("node --check %s: %s", file, output).isZero();
    }

    @Test
    void the_same_paths_give_the_same_bytes_and_etags() {
        TrackerScript again = TrackerScript.load(TrackerScript.DEFAULT_API_PATH, TrackerScript.DEFAULT_PIXEL_PATH);

        assertThat(again.bytes()).isEqualTo(SCRIPT.bytes());
        assertThat(again.gzipped()).isEqualTo(SCRIPT.gzipped());
        assertThat(again.etag()).isEqualTo(SCRIPT.etag());
        assertThat(TrackerScript.load("/e", "/p.gif").etag()).isNotEqualTo(SCRIPT.etag());
    }

    @Test
    void etags_are_the_quoted_sha256_prefix_of_the_served_bytes() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(SCRIPT.bytes());
        String hex = HexFormat.of().formatHex(Arrays.copyOf(digest, 16));

        assertThat(SCRIPT.etag()).isEqualTo('"' + hex + '"');
        assertThat(SCRIPT.gzipEtag()).isEqualTo('"' + hex + "-gzip\"");
    }

    @Test
    void accessors_hand_out_copies() {
        SCRIPT.bytes()[0] = 'X';
        SCRIPT.gzipped()[0] = 'X';

        assertThat(SCRIPT.bytes()[0]).isEqualTo((byte) '(');
        assertThat(SCRIPT.gzipped()[0]).isEqualTo((byte) 0x1f);
    }

    @Nested
    class Minifier {
        @Test
        void drops_comments_and_collapses_whitespace() {
            assertThat(JsMinifier.minify("/* head */\nvar a = 1, // one\n    b = [a, 2];\n\n// end\n"))
                    .isEqualTo("var a=1,b=[a,2];");
        }

        @Test
        void copies_strings_and_regular_expressions_verbatim() {
            assertThat(JsMinifier.minify("var a = '/* not */ // kept', b = \"x  \\\" y\";\nvar r = /\\/\\/[ \"'/]/g;"))
                    .isEqualTo("var a='/* not */ // kept',b=\"x  \\\" y\";var r=/\\/\\/[ \"'/]/g;");
        }

        @Test
        void tells_division_from_regular_expressions() {
            assertThat(JsMinifier.minify("x = a / b / c; y = (d) / 2; return /re/.test(s);"))
                    .isEqualTo("x=a/b/c;y=(d)/2;return/re/.test(s);");
        }

        @Test
        void keeps_the_spaces_that_separate_tokens() {
            assertThat(JsMinifier.minify("var x = typeof y; a + +b; c - -d; e + ++f; g = h / /i/.source;"))
                    .isEqualTo("var x=typeof y;a+ +b;c- -d;e+ ++f;g=h/ /i/.source;");
        }

        @Test
        void keeps_the_line_breaks_that_semicolon_insertion_depends_on() {
            assertThat(JsMinifier.minify("function f() {\n  return\n  x;\n}\na\n++b\nc = d\n/* x\n */ e()"))
                    .isEqualTo("function f(){return\nx;}\na\n++b\nc=d\ne()");
        }

        @Test
        void rejects_what_it_does_not_understand() {
            assertThatThrownBy(() -> JsMinifier.minify("var a = 1;\nvar t = `x${a}`;"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("template").hasMessageContaining("line 2");
            assertThatThrownBy(() -> JsMinifier.minify("var s = 'open;"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unterminated string");
            assertThatThrownBy(() -> JsMinifier.minify("var s = 1; /* open"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unterminated comment");
            assertThatThrownBy(() -> JsMinifier.minify("var r = /open;\n"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unterminated regular expression");
        }
    }

    private static byte[] gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        }
    }

    private static boolean nodeOnPath() {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "node")));
    }
}
