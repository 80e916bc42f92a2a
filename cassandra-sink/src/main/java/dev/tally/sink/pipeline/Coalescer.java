package dev.tally.sink.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the latest value per key. The rollup topics re-emit a bucket's absolute values as they grow,
 * so of several records of one key only the last needs writing. A record replaced here needs no write
 * of its own and is {@linkplain #superseded() settled} at once: the record that replaced it is still
 * unacknowledged, so no offset can be committed past it until it is stored, and a replay after a crash
 * reads it again, with its newer state of the same cells. Memory so holds one position per key,
 * however many records a flush interval coalesces.
 */
public final class Coalescer<K, V> {

    /** The latest value of a key and the record it came from. */
    public record Entry<V>(V latest, SourcePosition position) {
    }

    private final Map<K, Entry<V>> slots = new LinkedHashMap<>();
    private final List<SourcePosition> superseded = new ArrayList<>();
    private long records;

    /** Adds a record; a record added later replaces an earlier one of the same key. */
    public void add(K key, V value, SourcePosition position) {
        Entry<V> replaced = slots.put(key, new Entry<>(value, position));
        if (replaced != null) {
            superseded.add(replaced.position());
        }
        records++;
    }

    /** Records replaced since the last call: they need no write. Returns them and forgets them. */
    public List<SourcePosition> superseded() {
        if (superseded.isEmpty()) {
            return List.of();
        }
        List<SourcePosition> settled = List.copyOf(superseded);
        superseded.clear();
        return settled;
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

    /** Everything held, first-added key first, leaving the coalescer empty. */
    public List<Entry<V>> drain() {
        List<Entry<V>> entries = new ArrayList<>(slots.values());
        slots.clear();
        records = 0;
        return entries;
    }
}
