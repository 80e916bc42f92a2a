package dev.tally.bench.proc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU used by the named processes of a benchmark, and by the rest of the machine, between two
 * snapshots, in cores (1.0 = one core busy all the time). Finished children of this JVM (wrk) are
 * counted as {@value #WAITED_CHILDREN}.
 */
public final class CpuUsage {
    public static final String WAITED_CHILDREN = "wrk";
    public static final String THIS_JVM = "bench JVM";
    public static final String OTHERS = "other processes";
    public static final String MACHINE = "machine (all)";

    private final Map<String, Long> pids;
    private final long self = ProcessHandle.current().pid();

    /** @param pids name to process id, in report order */
    public CpuUsage(Map<String, Long> pids) {
        this.pids = new LinkedHashMap<>(pids);
    }

    public record Snapshot(long nanos, Map<String, Double> seconds, double waitedChildren, double machineBusy) {}

    public Snapshot snapshot() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        pids.forEach((name, pid) -> seconds.put(name, ProcStats.cpuSeconds(pid)));
        seconds.put(THIS_JVM, ProcStats.cpuSeconds(self));
        return new Snapshot(System.nanoTime(), seconds, ProcStats.waitedChildrenCpuSeconds(self), ProcStats.machineCpuSeconds()[0]);
    }

    /** Cores per process, then {@value #WAITED_CHILDREN}, {@value #OTHERS} and {@value #MACHINE}. */
    public static Map<String, Double> cores(Snapshot before, Snapshot after) {
        double wall = (after.nanos() - before.nanos()) / 1e9;
        Map<String, Double> cores = new LinkedHashMap<>();
        double known = 0;
        for (Map.Entry<String, Double> entry : after.seconds().entrySet()) {
            double used = (entry.getValue() - before.seconds().get(entry.getKey())) / wall;
            cores.put(entry.getKey(), used);
            known += used;
        }
        double children = (after.waitedChildren() - before.waitedChildren()) / wall;
        cores.put(WAITED_CHILDREN, children);
        known += children;
        double machine = (after.machineBusy() - before.machineBusy()) / wall;
        cores.put(OTHERS, Math.max(0, machine - known));
        cores.put(MACHINE, machine);
        return cores;
    }
}
