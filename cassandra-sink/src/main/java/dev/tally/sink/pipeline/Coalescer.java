package dev.tally.sink.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the latest value per key and the positions of every record it replaced. The rollup topics
 * re-emit a bucket's absolute values as they grow, so of several records of one key only the last
 * needs writing; once it is stored, so are the records it replaced (their values are older states of
 * the same cells).
 */
public final class Coalescer<K, V> {

    /** The latest value of a key and every source record it stands for. */
    public record Entry<V>(V latest, List<SourcePosition> covers) {
    }

    private static final class Slot<V> {
        V latest;
        final List<SourcePosition> covers = new ArrayList<>(2);
    }

    private final Map<K, Slot<V>> slots = new LinkedHashMap<>();
    private long records;

    /** Adds a record; a record added later replaces an earlier one of the same key. */
    public void add(K key, V value, SourcePosition position) {
        Slot<V> slot = slots.computeIfAbsent(key, k -> new Slot<>());
        slot.latest = value;
        slot.covers.add(position);
        records++;
    }

    /** Distinct keys held. */
    public int size() {
        return slots.size();
    }

    /** Records added since the last drain. */
    public long records() {
        return records;
    }

    public boolean isEmpty() {
        return slots.isEmpty();
    }

    /** Everything held, oldest key first, leaving the coalescer empty. */
    public List<Entry<V>> drain() {
        List<Entry<V>> entries = new ArrayList<>(slots.size());
        for (Slot<V> slot : slots.values()) {
            entries.add(new Entry<>(slot.latest, List.copyOf(slot.covers)));
        }
        slots.clear();
        records = 0;
        return entries;
    }
}
