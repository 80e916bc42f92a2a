package dev.tally.gateway.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Strict decoding of a raw query string: {@code %XX} must be two hex digits, the decoded bytes must
 * be valid UTF-8, {@code +} is a space. The first value of a repeated name wins. Lenient decoders
 * silently turn bad input into U+FFFD; here it is a {@link Rejection#BAD_ENCODING}.
 *
 * <p>The input is the query exactly as it came off the wire, one char per byte (ISO-8859-1), which is
 * what Undertow hands over when it does not decode URLs itself. A raw byte above 0x7F is therefore a
 * byte of the UTF-8 to decode (some clients send unescaped UTF-8), and a char above 0xFF cannot occur.
 */
public final class QueryStrings {
    private QueryStrings() {}

    /** Thrown for malformed percent-encoding or invalid UTF-8. */
    public static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException() {
            super("malformed query string", null, false, false);
        }
    }

    public static Map<String, String> parse(String rawQuery, int maxParameters) throws MalformedException {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        int start = 0;
        int count = 0;
        while (start <= rawQuery.length() && count < maxParameters) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = rawQuery.length();
            }
            if (end > start) {
                int eq = rawQuery.indexOf('=', start);
                String name;
                String value;
                if (eq >= 0 && eq < end) {
                    name = decode(rawQuery, start, eq);
                    value = decode(rawQuery, eq + 1, end);
                } else {
                    name = decode(rawQuery, start, end);
                    value = "";
                }
                parameters.putIfAbsent(name, value);
                count++;
            }
            start = end + 1;
        }
        return parameters;
    }

    static String decode(String text, int from, int to) throws MalformedException {
        boolean plain = true;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '+' || c > 0x7F) {
                plain = false;
                break;
            }
        }
        if (plain) {
            return text.substring(from, to);
        }
        ByteBuffer bytes = ByteBuffer.allocate(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= to) {
                    throw new MalformedException();
                }
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new MalformedException();
                }
                bytes.put((byte) (high << 4 | low));
                i += 2;
            } else if (c == '+') {
                bytes.put((byte) ' ');
            } else if (c > 0xFF) {
                throw new MalformedException(); // not a byte: the caller did not pass the raw query
            } else {
                bytes.put((byte) c);
            }
        }
        bytes.flip();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = utf8.decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new MalformedException();
        }
    }
}
