package dev.tally.gateway.http;

import java.nio.ByteBuffer;

/**
 * Follows the HTTP/1.1 requests of one connection byte by byte and, inside each request target only,
 * overwrites a {@code '%'} that is not followed by two hex digits with the byte {@code 0xFF}.
 *
 * <p>Why: Undertow's request-line parser answers such a target with a bare 400 before any handler
 * runs, so a pixel hit with a broken escape would get no GIF, no reason and no count. {@code 0xFF}
 * keeps the length (nothing is buffered or copied), passes Undertow's parser when it accepts unescaped
 * characters, and can never be part of valid UTF-8, so the pixel's strict decoder then rejects the hit
 * as {@code bad_encoding} like any other malformed input.
 *
 * <p>To know where request targets are, it tracks message framing: request line, headers,
 * {@code Content-Length} bodies and chunked bodies with their trailers. Bodies are skipped untouched.
 * Anything it cannot follow (a malformed length, say) switches it off for the rest of the connection;
 * Undertow then rejects that request itself. Plain logic, no server types: tested byte by byte.
 */
final class MalformedEscapeMarker {
    static final byte MARK = (byte) 0xFF;
    private static final int MAX_INSPECTED_LINE = 256;

    private enum State { LINE_START, METHOD, TARGET, VERSION, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, OFF }

    private State state = State.LINE_START;
    private final StringBuilder line = new StringBuilder();
    private long contentLength;
    private boolean chunked;
    private long remaining;
    private boolean lineStarted;
    private boolean inspected;

    /**
     * Scans {@code buffer[from, to)} in place. Returns how many trailing bytes (0 to 2) were not scanned
     * because they start an escape whose end has not arrived: the caller hands them back first next
     * time. At end of stream ({@code endOfStream}) an unfinished escape is malformed and marked.
     */
    int scan(ByteBuffer buffer, int from, int to, boolean endOfStream) {
        int i = from;
        while (i < to) {
            switch (state) {
                case BODY -> {
                    int skipped = (int) Math.min(remaining, to - i);
                    i += skipped;
                    remaining -= skipped;
                    if (remaining == 0) {
                        state = State.LINE_START;
                    }
                    continue;
                }
                case CHUNK_DATA -> {
                    int skipped = (int) Math.min(remaining, to - i);
                    i += skipped;
                    remaining -= skipped;
                    if (remaining == 0) {
                        state = State.CHUNK_END;
                    }
                    continue;
                }
                case OFF -> {
                    return 0;
                }
                // Fast paths over the bytes that need no decision, so that a request costs a scan of its
                // target and of the first byte of each header line, not a state switch per byte.
                case TARGET -> {
                    i = skipUntil(buffer, i, to, (byte) ' ', (byte) '%');
                    if (i == to) {
                        continue;
                    }
                }
                case VERSION -> {
                    i = skipUntil(buffer, i, to, (byte) '\n', (byte) '\n');
                    if (i == to) {
                        continue;
                    }
                }
                case HEADERS -> {
                    if (lineStarted && !inspected) {
                        i = skipUntil(buffer, i, to, (byte) '\n', (byte) '\n');
                        if (i == to) {
                            continue;
                        }
                    }
                }
                default -> {
                }
            }
            byte b = buffer.get(i);
            switch (state) {
                case LINE_START -> {
                    if (b != '\r' && b != '\n') {
                        state = b == ' ' ? State.TARGET : State.METHOD;
                    }
                }
                case METHOD -> {
                    if (b == ' ') {
                        state = State.TARGET;
                    } else if (b == '\n') {
                        state = State.OFF;
                    }
                }
                case TARGET -> {
                    if (b == ' ') {
                        state = State.VERSION;
                    } else if (b == '\n') {
                        state = State.OFF;
                    } else if (b == '%') {
                        if (to - i < 3 && !endOfStream) {
                            return to - i;
                        }
                        if (to - i < 3 || !isHex(buffer.get(i + 1)) || !isHex(buffer.get(i + 2))) {
                            buffer.put(i, MARK);
                        } else {
                            i += 2;
                        }
                    }
                }
                case VERSION -> {
                    if (b == '\n') {
                        startHeaders();
                    }
                }
                case HEADERS -> header(b);
                case CHUNK_SIZE -> chunkSize(b);
                case CHUNK_END -> {
                    if (b == '\n') {
                        state = State.CHUNK_SIZE;
                        line.setLength(0);
                    }
                }
                case TRAILERS -> trailer(b);
                default -> throw new IllegalStateException("unreachable: " + state);
            }
            i++;
        }
        return 0;
    }

    private void startHeaders() {
        state = State.HEADERS;
        line.setLength(0);
        lineStarted = false;
        inspected = false;
        contentLength = 0;
        chunked = false;
    }

    private void header(byte b) {
        if (b == '\n') {
            endOfHeaderLine();
        } else if (b != '\r') {
            if (!lineStarted) {
                lineStarted = true;
                // Only Content-Length and Transfer-Encoding matter; other lines are skipped uncopied.
                inspected = b == 'c' || b == 'C' || b == 't' || b == 'T';
            }
            if (inspected && line.length() < MAX_INSPECTED_LINE) {
                line.append((char) (b & 0xFF));
            }
        }
    }

    private void endOfHeaderLine() {
        if (!lineStarted) {
            if (chunked) {
                state = State.CHUNK_SIZE;
            } else if (contentLength > 0) {
                state = State.BODY;
                remaining = contentLength;
            } else {
                state = State.LINE_START;
            }
            return;
        }
        int colon = inspected ? line.indexOf(":") : -1;
        if (colon > 0) {
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                contentLength = parseLength(value, 10);
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
            }
        }
        line.setLength(0);
        lineStarted = false;
        inspected = false;
        if (contentLength < 0) {
            state = State.OFF;
        }
    }

    private void chunkSize(byte b) {
        if (b != '\n') {
            if (b != '\r' && line.length() < MAX_INSPECTED_LINE) {
                line.append((char) (b & 0xFF));
            }
            return;
        }
        String size = line.toString();
        int extension = size.indexOf(';');
        long length = parseLength((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
        line.setLength(0);
        if (length < 0) {
            state = State.OFF;
        } else if (length == 0) {
            state = State.TRAILERS;
        } else {
            state = State.CHUNK_DATA;
            remaining = length;
        }
    }

    private void trailer(byte b) {
        if (b != '\n') {
            if (b != '\r') {
                line.append('x'); // only whether the line is empty matters
                line.setLength(1);
            }
            return;
        }
        if (line.length() == 0) {
            state = State.LINE_START;
        }
        line.setLength(0);
    }

    /** A non-negative length in the radix, or -1 when it is not one. */
    private static long parseLength(String text, int radix) {
        if (text.isEmpty() || text.length() > 15) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            int digit = Character.digit(text.charAt(i), radix);
            if (digit < 0) {
                return -1;
            }
            value = value * radix + digit;
        }
        return value;
    }

    /** The index of the first of {@code a}, {@code b} or a line feed in {@code buffer[from, to)}, or {@code to}. */
    private static int skipUntil(ByteBuffer buffer, int from, int to, byte a, byte b) {
        int i = from;
        while (i < to) {
            byte c = buffer.get(i);
            if (c == a || c == b || c == '\n') {
                return i;
            }
            i++;
        }
        return to;
    }

    private static boolean isHex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }
}
