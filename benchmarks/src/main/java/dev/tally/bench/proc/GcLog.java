package dev.tally.bench.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Summary of a unified JVM GC log written with {@code -Xlog:gc:file=...} (G1 lines such as
 * {@code [12.345s][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 60M->9M(256M) 2.345ms}).
 *
 * @param pauses        stop-the-world pauses (young, mixed, remark, cleanup, full)
 * @param fullGcs       full collections: the sign of a heap too small for the load
 * @param pauseMillis   sum of all pauses
 * @param maxPauseMillis longest pause
 * @param maxLiveMiB    largest heap occupancy right after a collection (what survives: the live set)
 * @param heapMiB       committed heap at the last collection
 * @param logSeconds    JVM uptime at the last line
 */
public record GcLog(int pauses, int fullGcs, double pauseMillis, double maxPauseMillis, int maxLiveMiB, int heapMiB,
                    double logSeconds) {
    private static final Pattern PAUSE = Pattern.compile(
            "^\\[(\\d+\\.\\d+)s\\].*GC\\(\\d+\\) (Pause [^()]*?)(?: \\([^)]*\\))* (?:(\\d+)M->(\\d+)M\\((\\d+)M\\) )?(\\d+\\.\\d+)ms$");
    private static final Pattern UPTIME = Pattern.compile("^\\[(\\d+\\.\\d+)s\\]");

    public static GcLog read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the GC log " + file, e);
        }
    }

    static GcLog parse(String text) {
        int pauses = 0;
        int fullGcs = 0;
        double total = 0;
        double max = 0;
        int maxLive = 0;
        int heap = 0;
        double uptime = 0;
        for (String line : text.split("\n")) {
            Matcher time = UPTIME.matcher(line);
            if (time.find()) {
                uptime = Double.parseDouble(time.group(1));
            }
            Matcher pause = PAUSE.matcher(line.trim());
            if (!pause.matches()) {
                continue;
            }
            pauses++;
            if (pause.group(2).startsWith("Pause Full")) {
                fullGcs++;
            }
            double millis = Double.parseDouble(pause.group(6));
            total += millis;
            max = Math.max(max, millis);
            if (pause.group(4) != null) {
                maxLive = Math.max(maxLive, Integer.parseInt(pause.group(4)));
                heap = Integer.parseInt(pause.group(5));
            }
        }
        return new GcLog(pauses, fullGcs, total, max, maxLive, heap, uptime);
    }

    /** Share of the JVM's life spent in pauses. */
    public double pauseShare() {
        return logSeconds == 0 ? 0 : pauseMillis / 1000.0 / logSeconds;
    }

    public String summary() {
        return String.format(Locale.ROOT, "%d pauses (%d full), %.0f ms in total = %.2f%% of %.0f s, longest %.1f ms;"
                        + " heap after GC at most %d MiB of %d MiB committed",
                pauses, fullGcs, pauseMillis, pauseShare() * 100, logSeconds, maxPauseMillis, maxLiveMiB, heapMiB);
    }
}
