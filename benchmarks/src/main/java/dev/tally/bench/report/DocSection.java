package dev.tally.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps a generated block up to date inside a hand-written Markdown document. The block sits between
 * {@code <!-- <id>:begin -->} and {@code <!-- <id>:end -->} under a {@code ## heading}; text around the
 * markers is left as it is. A missing document, section or marker pair is added at the end.
 */
public final class DocSection {
    private DocSection() {}

    public static void update(Path doc, String heading, String id, String generated) {
        try {
            String text = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "# Benchmarks\n";
            Files.writeString(doc, replace(text, heading, id, generated), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not update " + doc, e);
        }
    }

    static String replace(String text, String heading, String id, String generated) {
        String begin = "<!-- " + id + ":begin -->";
        String end = "<!-- " + id + ":end -->";
        String block = begin + "\n" + generated.strip() + "\n" + end;
        int start = text.indexOf(begin);
        int stop = text.indexOf(end);
        if (start >= 0 && stop > start) {
            return text.substring(0, start) + block + text.substring(stop + end.length());
        }
        String title = "## " + heading;
        int section = findHeading(text, title);
        if (section < 0) {
            return text.stripTrailing() + "\n\n" + title + "\n\n" + block + "\n";
        }
        int next = text.indexOf("\n## ", section + title.length());
        int insertAt = next < 0 ? text.length() : next + 1;
        String before = text.substring(0, insertAt).stripTrailing();
        String after = text.substring(insertAt);
        return before + "\n\n" + block + "\n" + (after.isEmpty() ? "" : "\n" + after);
    }

    private static int findHeading(String text, String title) {
        if (text.startsWith(title + "\n")) {
            return 0;
        }
        int at = text.indexOf("\n" + title + "\n");
        return at < 0 ? -1 : at + 1;
    }
}
