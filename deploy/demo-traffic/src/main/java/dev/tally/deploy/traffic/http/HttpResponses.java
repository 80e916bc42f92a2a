package dev.tally.deploy.traffic.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads one HTTP/1.1 response from the bytes received so far: status, the gateway's
 * {@code X-Tally-Rejected} header, the body ({@code Content-Length} or chunked), and whether the
 * server will close the connection. Plain logic, tested without a server.
 */
final class HttpResponses {
    private static final String REJECTED_HEADER = "x-tally-rejected";

    /**
     * A complete response.
     *
     * @param length bytes of the input it took
     */
    record Parsed(int status, String rejected, byte[] body, int length, boolean closes) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Thrown for bytes that are not an HTTP response; the connection cannot be used any more. */
    static final class MalformedResponseException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedResponseException(String message) {
            super(message, null, false, false);
        }
    }

    private HttpResponses() {}

    /** The response in {@code bytes[0, length)}, or null when not all of it has arrived yet. */
    static Parsed parse(byte[] bytes, int length) throws MalformedResponseException {
        int headerEnd = indexOf(bytes, 0, length, "\r\n\r\n");
        if (headerEnd < 0) {
            return null;
        }
        int lineEnd = indexOf(bytes, 0, headerEnd + 2, "\r\n");
        String statusLine = new String(bytes, 0, lineEnd, StandardCharsets.ISO_8859_1);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new MalformedResponseException("not an HTTP/1.x status line: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new MalformedResponseException("bad status in: " + statusLine);
        }
        long contentLength = -1;
        boolean chunked = false;
        boolean closes = statusLine.startsWith("HTTP/1.0");
        String rejected = null;
        int position = lineEnd + 2;
        while (position < headerEnd + 2) {
            int end = indexOf(bytes, position, headerEnd + 2, "\r\n");
            String line = new String(bytes, position, end - position, StandardCharsets.ISO_8859_1);
            position = end + 2;
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    try {
                        contentLength = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new MalformedResponseException("bad Content-Length: " + value);
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> {
                    String option = value.toLowerCase(Locale.ROOT);
                    if (option.contains("close")) {
                        closes = true;
                    } else if (option.contains("keep-alive")) {
                        closes = false;
                    }
                }
                case REJECTED_HEADER -> rejected = value;
                default -> { }
            }
        }
        int bodyStart = headerEnd + 4;
        if (chunked) {
            return chunked(bytes, length, bodyStart, status, rejected, closes);
        }
        if (contentLength < 0) {
            contentLength = 0; // the gateway always sends a length; a response without one is empty here
        }
        if (length - bodyStart < contentLength) {
            return null;
        }
        byte[] body = Arrays.copyOfRange(bytes, bodyStart, bodyStart + (int) contentLength);
        return new Parsed(status, rejected, body, bodyStart + (int) contentLength, closes);
    }

    private static Parsed chunked(byte[] bytes, int length, int start, int status, String rejected, boolean closes)
            throws MalformedResponseException {
        byte[] body = new byte[0];
        int position = start;
        while (true) {
            int sizeEnd = indexOf(bytes, position, length, "\r\n");
            if (sizeEnd < 0) {
                return null;
            }
            String sizeText = new String(bytes, position, sizeEnd - position, StandardCharsets.ISO_8859_1);
            int semicolon = sizeText.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon >= 0 ? sizeText.substring(0, semicolon) : sizeText).trim(), 16);
            } catch (NumberFormatException e) {
                throw new MalformedResponseException("bad chunk size: " + sizeText);
            }
            position = sizeEnd + 2;
            if (size == 0) {
                // Trailers, if any, end with an empty line; without trailers the empty line follows at once.
                int end = indexOf(bytes, position - 2, length, "\r\n\r\n");
                return end < 0 ? null : new Parsed(status, rejected, body, end + 4, closes);
            }
            if (length - position < size + 2) {
                return null;
            }
            byte[] grown = Arrays.copyOf(body, body.length + size);
            System.arraycopy(bytes, position, grown, body.length, size);
            body = grown;
            position += size + 2;
        }
    }

    private static int indexOf(byte[] bytes, int from, int to, String pattern) {
        int last = to - pattern.length();
        outer:
        for (int i = Math.max(0, from); i <= last; i++) {
            for (int j = 0; j < pattern.length(); j++) {
                if (bytes[i + j] != pattern.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
