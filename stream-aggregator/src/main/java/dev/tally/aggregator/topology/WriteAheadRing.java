package dev.tally.aggregator.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Inputs a processor holds only in memory until it next applies them to durable state or output,
 * written ahead to a changelogged store so a commit never covers an input offset whose effect exists
 * nowhere but in memory. After a crash the store is restored from its changelog and {@link #unapplied()}
 * hands back what must be applied again.
 *
 * <p>A ring of {@code capacity} slots: entry {@code n} goes to slot {@code n % capacity}, overwriting one
 * that was applied long ago, so the store never grows and nothing has to be deleted (a delete would be one
 * more changelog record per entry). The owner must apply everything and call {@link #markApplied()} before
 * appending to a full ring. Layout: slot key {@code n % capacity}, value {@code n (8 bytes) | entry}; key
 * -1 holds the last applied {@code n}.
 */
final class WriteAheadRing {
    private static final long APPLIED_THROUGH_KEY = -1L;

    private final KeyValueStore<Long, byte[]> store;
    private final int capacity;
    private List<byte[]> unapplied = new ArrayList<>();
    private long nextSeq;
    private long appliedThrough;

    /** Opens the ring on a (restored) store and collects the entries not applied before. */
    WriteAheadRing(KeyValueStore<Long, byte[]> store, int capacity) {
        this.store = store;
        this.capacity = capacity;
        byte[] marker = store.get(APPLIED_THROUGH_KEY);
        appliedThrough = marker == null ? -1 : ByteBuffer.wrap(marker).getLong();
        nextSeq = appliedThrough + 1;
        TreeMap<Long, byte[]> pending = new TreeMap<>();
        try (KeyValueIterator<Long, byte[]> slots = store.all()) {
            slots.forEachRemaining(slot -> {
                if (slot.key == APPLIED_THROUGH_KEY) {
                    return;
                }
                ByteBuffer entry = ByteBuffer.wrap(slot.value);
                long seq = entry.getLong();
                if (seq > appliedThrough) {
                    byte[] payload = new byte[entry.remaining()];
                    entry.get(payload);
                    pending.put(seq, payload);
                    nextSeq = Math.max(nextSeq, seq + 1);
                }
            });
        }
        unapplied.addAll(pending.values());
    }

    /**
     * The entries appended after the last {@link #markApplied()} before this ring was opened, oldest first;
     * handed over once, so the ring does not keep them in memory afterwards.
     */
    List<byte[]> takeUnapplied() {
        List<byte[]> taken = unapplied;
        unapplied = List.of();
        return taken;
    }

    boolean isFull() {
        return nextSeq - appliedThrough > capacity;
    }

    void append(byte[] entry) {
        if (isFull()) {
            throw new IllegalStateException("Write-ahead ring full: apply its entries first");
        }
        store.put(nextSeq % capacity, ByteBuffer.allocate(Long.BYTES + entry.length).putLong(nextSeq).put(entry).array());
        nextSeq++;
    }

    /** Records that every entry appended so far has been applied. */
    void markApplied() {
        if (appliedThrough == nextSeq - 1) {
            return;
        }
        appliedThrough = nextSeq - 1;
        store.put(APPLIED_THROUGH_KEY, ByteBuffer.allocate(Long.BYTES).putLong(appliedThrough).array());
    }
}
