package dev.tally.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MalformedEscapeMarkerTest {
    private static final String MARK = "\u00FF";

    @Test
    void a_percent_without_two_hex_digits_in_the_target_is_marked_and_good_escapes_are_untouched() {
        String wire = "GET /a.gif?site=s&t=100%ZZ&u=50%2&ok=%C3%A9%2f HTTP/1.1\r\nHost: x\r\n\r\n";

        assertThat(marked(wire)).isEqualTo(
                "GET /a.gif?site=s&t=100" + MARK + "ZZ&u=50" + MARK + "2&ok=%C3%A9%2f HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    @Test
    void the_result_does_not_depend_on_how_the_bytes_are_split_across_reads() {
        String wire = "\r\nGET /a.gif?t=%4 HTTP/1.1\r\nReferer: https://x/%zz\r\n\r\n"
                + "POST /api/event HTTP/1.1\r\nContent-Length: 23\r\n\r\n{\"n\":\"50% off %zz 1\"}\n\n"
                + "GET /a.gif?t=%%41%4g HTTP/1.1\r\n\r\n";
        String expected = marked(wire, wire.length());

        for (int chunk = 1; chunk < wire.length(); chunk++) {
            assertThat(marked(wire, chunk)).as("reads of %d bytes", chunk).isEqualTo(expected);
        }
        assertThat(expected)
                .contains("GET /a.gif?t=" + MARK + "4 HTTP/1.1", "Referer: https://x/%zz", "{\"n\":\"50% off %zz 1\"}")
                .contains("GET /a.gif?t=" + MARK + "%41" + MARK + "4g HTTP/1.1");
    }

    @Test
    void a_content_length_body_is_never_touched_even_when_it_looks_like_a_request() {
        String body = "GET /a.gif?t=%zz HTTP/1.1\r\n\r\n";
        String wire = "POST /api/event HTTP/1.1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                + "GET /next?t=%zz HTTP/1.1\r\n\r\n";

        assertThat(marked(wire)).isEqualTo(wire.replace("/next?t=%zz", "/next?t=" + MARK + "zz"));
    }

    @Test
    void a_chunked_body_and_its_trailers_are_never_touched() {
        String chunk = "GET /a.gif?t=%zz HTTP/1.1\r\n\r\n";
        String wire = "POST /api/event HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(chunk.length()) + ";ext=1\r\n" + chunk + "\r\n"
                + "3\r\n%zz\r\n0\r\nX-Trailer: %zz\r\n\r\n"
                + "GET /next?t=%zz HTTP/1.1\r\n\r\n";

        assertThat(marked(wire)).isEqualTo(wire.replace("/next?t=%zz", "/next?t=" + MARK + "zz"));
    }

    @Test
    void an_unfinished_escape_at_the_end_of_the_stream_is_marked() {
        assertThat(marked("GET /a.gif?t=%4", 5)).isEqualTo("GET /a.gif?t=" + MARK + "4");
    }

    @Test
    void framing_it_cannot_follow_switches_it_off_for_the_connection() {
        String wire = "POST /x HTTP/1.1\r\nContent-Length: ten\r\n\r\nGET /a.gif?t=%zz HTTP/1.1\r\n\r\n";

        assertThat(marked(wire)).isEqualTo(wire);
    }

    private static String marked(String wire) {
        return marked(wire, wire.length());
    }

    /** Feeds the wire bytes in reads of {@code chunk} bytes, handing back what the marker held, as the conduit does. */
    private static String marked(String wire, int chunk) {
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        MalformedEscapeMarker marker = new MalformedEscapeMarker();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] held = new byte[0];
        int next = 0;
        while (next < bytes.length || held.length > 0) {
            int take = Math.min(chunk, bytes.length - next);
            byte[] read = new byte[held.length + take];
            System.arraycopy(held, 0, read, 0, held.length);
            System.arraycopy(bytes, next, read, held.length, take);
            next += take;
            boolean endOfStream = next == bytes.length;
            int keep = marker.scan(ByteBuffer.wrap(read), 0, read.length, endOfStream);
            out.write(read, 0, read.length - keep);
            held = Arrays.copyOfRange(read, read.length - keep, read.length);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
