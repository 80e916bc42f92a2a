package dev.tally.store;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalDate;

/**
 * The {@code visitor_salts} table. Every gateway proposes a random salt for a day; a lightweight
 * transaction keeps the first and every proposer gets that one back, so all instances agree. Rows
 * carry a TTL that ends shortly after their day.
 */
public final class SaltTable {
    private final CqlSession session;
    private final PreparedStatement insertIfAbsent;

    public SaltTable(CqlSession session, String keyspace) {
        this.session = session;
        this.insertIfAbsent = session.prepare("INSERT INTO " + keyspace + ".visitor_salts (day, salt) VALUES (?, ?) IF NOT EXISTS USING TTL ?");
    }

    /** The agreed salt of {@code day}: the stored one, or {@code candidate} if this call stored it first. */
    public byte[] agree(LocalDate day, byte[] candidate, Duration timeToLive) {
        int ttl = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeToLive.toSeconds()));
        ResultSet result = session.execute(insertIfAbsent.bind(day, ByteBuffer.wrap(candidate), ttl)
                .setSerialConsistencyLevel(ConsistencyLevel.SERIAL)
                .setConsistencyLevel(ConsistencyLevel.QUORUM)
                .setIdempotent(true));
        if (result.wasApplied()) {
            return candidate.clone();
        }
        Row existing = result.one();
        ByteBuffer salt = existing.getByteBuffer("salt");
        byte[] bytes = new byte[salt.remaining()];
        salt.duplicate().get(bytes);
        return bytes;
    }
}
