package dev.tally.sink.pipeline;

import java.util.List;

/**
 * Turns consumed records into writes. One per consumer; called on the consumer thread only.
 */
public interface RecordHandler {

    /**
     * Takes one record. Its write is returned, now or later, by {@link #ready}.
     *
     * @throws RejectedRecordException if the record can never be stored (it goes to the dead-letter topic)
     * @return false if the record needs no write at all (it is acknowledged at once)
     */
    boolean accept(byte[] key, byte[] value, SourcePosition position) throws RejectedRecordException;

    /** Writes to start now; a handler that coalesces may keep records back until its flush is due. */
    List<WriteUnit> ready(long nowNanos);

    /**
     * Records accepted earlier that need no write any more (a later record of the same key replaced
     * them before they were written); the caller acknowledges them. Returns each once.
     */
    default List<SourcePosition> superseded() {
        return List.of();
    }

    /** A record that cannot be stored, with the short reason that goes into the dead-letter header. */
    final class RejectedRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        public RejectedRecordException(String reason) {
            super(reason, null, false, false);
        }
    }
}
