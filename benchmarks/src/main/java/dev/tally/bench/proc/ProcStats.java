package dev.tally.bench.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What Linux's {@code /proc} says about a process: CPU time (whole process and per thread), resident
 * memory. Clock ticks are USER_HZ, 100 per second on every Linux this runs on.
 */
public final class ProcStats {
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {}

    /** User + system CPU seconds of the whole process, or -1 if it is gone. */
    public static double cpuSeconds(long pid) {
        return cpuTicks(Path.of("/proc", Long.toString(pid), "stat")) / TICKS_PER_SECOND;
    }

    /**
     * User + system CPU seconds of the children this process has waited for (a finished wrk, say), or -1.
     */
    public static double waitedChildrenCpuSeconds(long pid) {
        try {
            String[] fields = statFields(Path.of("/proc", Long.toString(pid), "stat"));
            return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Busy and total CPU seconds of the whole machine (all cores) since boot, from {@code /proc/stat}. */
    public static double[] machineCpuSeconds() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
            String[] fields = first.trim().split("\\s+");
            long total = 0;
            // user nice system idle iowait irq softirq steal (guest time is already in user)
            for (int i = 1; i <= 8 && i < fields.length; i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new double[] {(total - idle) / TICKS_PER_SECOND, total / TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            return new double[] {-1, -1};
        }
    }

    /** Resident set size now, in MiB, or -1. */
    public static double rssMiB(long pid) {
        return statusKiB(pid, "VmRSS:") / 1024.0;
    }

    /** Peak resident set size since start, in MiB, or -1. */
    public static double peakRssMiB(long pid) {
        return statusKiB(pid, "VmHWM:") / 1024.0;
    }

    /**
     * CPU seconds per thread pool: thread names with their trailing number replaced by '*' ("XNIO-1 task-12"
     * counts as "XNIO-1 task-*"). Linux keeps the first 15 characters of a Java thread's name.
     */
    public static Map<String, Double> threadCpuSeconds(long pid) {
        Map<String, Double> byName = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                try {
                    String name = Files.readString(thread.resolve("comm"), StandardCharsets.UTF_8).trim()
                            .replaceFirst("\\d+$", "*");
                    long ticks = cpuTicks(thread.resolve("stat"));
                    if (ticks >= 0) {
                        byName.merge(name, ticks / TICKS_PER_SECOND, Double::sum);
                    }
                } catch (IOException e) {
                    // The thread ended while we looked.
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return byName;
    }

    /** The busiest threads between two {@link #threadCpuSeconds} readings, as "name cores" pairs. */
    public static List<Map.Entry<String, Double>> busiest(Map<String, Double> before, Map<String, Double> after,
                                                          double wallSeconds, int limit) {
        List<Map.Entry<String, Double>> used = new ArrayList<>();
        after.forEach((name, seconds) -> used.add(Map.entry(name, (seconds - before.getOrDefault(name, 0.0)) / wallSeconds)));
        used.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
        return used.subList(0, Math.min(limit, used.size()));
    }

    private static long cpuTicks(Path stat) {
        try {
            String[] fields = statFields(stat);
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The fields of a {@code stat} file from field 3 (state) on: index 11 and 12 are utime and stime,
     * 13 and 14 cutime and cstime. The command name (field 2) is in parentheses and may hold spaces.
     */
    private static String[] statFields(Path stat) throws IOException {
        String text = Files.readString(stat, StandardCharsets.US_ASCII);
        return text.substring(text.lastIndexOf(')') + 2).split(" ");
    }

    private static long statusKiB(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
