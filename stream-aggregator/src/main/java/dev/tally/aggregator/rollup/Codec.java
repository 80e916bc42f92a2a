package dev.tally.aggregator.rollup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Binary helpers for the aggregator's internal state and repartition records. These bytes never leave
 * the aggregator's own stores and internal topics; the public contract is the Avro of {@code schemas}.
 * Every encoding starts with a version byte so a new aggregator can still read an old one's state.
 */
public final class Codec {
    static final int VERSION = 1;

    private Codec() {}

    @FunctionalInterface
    public interface Writer {
        void write(DataOutput out) throws IOException;
    }

    @FunctionalInterface
    public interface Reader<T> {
        T read(DataInput in) throws IOException;
    }

    public static byte[] encode(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static <T> T decode(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalStateException("Aggregator state encoding version " + version + " is unknown to this build");
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Corrupt aggregator state record", e);
        }
    }

    /** Strings of any length (writeUTF stops at 64 KiB; a page path can be longer). */
    static void writeString(DataOutput out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    static String readString(DataInput in) throws IOException {
        byte[] utf8 = new byte[in.readInt()];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
