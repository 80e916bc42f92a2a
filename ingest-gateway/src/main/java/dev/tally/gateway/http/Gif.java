package dev.tally.gateway.http;

import java.nio.ByteBuffer;

/** The 43-byte transparent 1x1 GIF the pixel answers with, built once. */
final class Gif {
    private static final byte[] BYTES = {
        'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, (byte) 0x80, 0, 0,
        0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        0x21, (byte) 0xF9, 4, 1, 0, 0, 0, 0,
        0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0,
        2, 2, 0x44, 1, 0, 0x3B
    };

    static final int LENGTH = BYTES.length;

    private static final ByteBuffer SHARED = ByteBuffer.allocateDirect(LENGTH).put(BYTES).flip().asReadOnlyBuffer();

    private Gif() {}

    /** A fresh view of the shared bytes: each response needs its own position. */
    static ByteBuffer buffer() {
        return SHARED.duplicate();
    }

    static byte[] bytes() {
        return BYTES.clone();
    }
}
