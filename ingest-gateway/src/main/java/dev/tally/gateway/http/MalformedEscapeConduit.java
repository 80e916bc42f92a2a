package dev.tally.gateway.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

/**
 * The read side of one client connection, below Undertow's HTTP parser, passed through a
 * {@link MalformedEscapeMarker}. Bytes are marked in place in the caller's buffer; only the one or two
 * bytes of an escape split across two reads wait for the next read.
 */
final class MalformedEscapeConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private static final byte[] NONE = new byte[0];

    private final MalformedEscapeMarker marker = new MalformedEscapeMarker();
    private byte[] heldBack = NONE;

    MalformedEscapeConduit(StreamSourceConduit next) {
        super(next);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        int start = dst.position();
        int fromBefore = Math.min(heldBack.length, dst.remaining());
        if (fromBefore > 0) { // almost never: only after an escape was split across two reads
            dst.put(heldBack, 0, fromBefore);
            heldBack = fromBefore == heldBack.length ? NONE : Arrays.copyOfRange(heldBack, fromBefore, heldBack.length);
        }
        int read = dst.hasRemaining() ? next.read(dst) : 0;
        if (read < 0 && fromBefore == 0) {
            return -1;
        }
        int end = dst.position();
        int held = marker.scan(dst, start, end, read < 0);
        if (held > 0) {
            byte[] tail = new byte[held + heldBack.length];
            dst.get(end - held, tail, 0, held);
            System.arraycopy(heldBack, 0, tail, held, heldBack.length);
            heldBack = tail;
            dst.position(end - held);
        }
        return end - held - start;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        for (int i = offs; i < offs + len; i++) {
            if (dsts[i].hasRemaining()) {
                return read(dsts[i]);
            }
        }
        return 0;
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return Conduits.transfer(this, count, throughBuffer, target);
    }
}
