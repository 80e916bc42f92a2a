package dev.tally.query.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How exported raw events are written: NDJSON (one JSON object per line, absent values left out) or CSV
 * (RFC 4180, a header line, props as a JSON object). Neither holds the client IP or the user agent.
 *
 * <p>CSV cells that a spreadsheet would run as a formula (starting with {@code = + - @}, tab or carriage
 * return) are prefixed with a single quote: visitors control titles, URLs and referrers.
 */
public enum ExportFormat {
    NDJSON("application/x-ndjson; charset=utf-8", "ndjson"), CSV("text/csv; charset=utf-8", "csv");

    /** The exported columns, in order. */
    public static final List<String> COLUMNS = List.of("event_time", "event_id", "type", "name", "url", "path", "url_host", "title",
            "referrer", "referrer_host", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
            "browser", "browser_version", "os", "device_type", "bot", "language", "screen_width", "visitor_id", "new_visitor",
            "value", "currency", "props");

    // Without this the mapper flushes after every value it writes: one network chunk per field.
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    private final String contentType;
    private final String extension;

    ExportFormat(String contentType, String extension) {
        this.contentType = contentType;
        this.extension = extension;
    }

    public String contentType() {
        return contentType;
    }

    public String extension() {
        return extension;
    }

    public static Optional<ExportFormat> parse(String text) {
        for (ExportFormat format : values()) {
            if (format.extension.equals(text == null ? "" : text.toLowerCase(Locale.ROOT))) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /** A writer of records to {@code out}; {@link Sink#close()} flushes but does not close {@code out}. */
    public Sink open(OutputStream out) {
        try {
            return this == NDJSON ? new NdjsonSink(out) : new CsvSink(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public interface Sink extends AutoCloseable {
        void write(ExportRecord record) throws IOException;

        @Override
        void close() throws IOException;
    }

    private static final class NdjsonSink implements Sink {
        private final JsonGenerator json;

        NdjsonSink(OutputStream out) throws IOException {
            JsonFactory factory = JSON.getFactory();
            json = factory.createGenerator(out, JsonEncoding.UTF8);
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.setRootValueSeparator(null);
        }

        @Override
        public void write(ExportRecord record) throws IOException {
            json.writeStartObject();
            List<Object> values = record.values();
            for (int i = 0; i < values.size(); i++) {
                Object value = values.get(i);
                if (value != null) {
                    json.writeFieldName(COLUMNS.get(i));
                    writeValue(value);
                }
            }
            json.writeEndObject();
            json.writeRaw('\n');
        }

        private void writeValue(Object value) throws IOException {
            if (value instanceof Instant instant) {
                json.writeString(instant.toString());
            } else if (value instanceof Map<?, ?> map) {
                json.writeStartObject();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    json.writeStringField(String.valueOf(entry.getKey()), String.valueOf(entry.getValue()));
                }
                json.writeEndObject();
            } else {
                JSON.writeValue(json, value);
            }
        }

        @Override
        public void close() throws IOException {
            json.flush();
        }
    }

    private static final class CsvSink implements Sink {
        private final Writer out;

        CsvSink(OutputStream stream) throws IOException {
            out = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            out.write(String.join(",", COLUMNS));
            out.write("\r\n");
        }

        @Override
        public void write(ExportRecord record) throws IOException {
            List<Object> values = record.values();
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                Object value = values.get(i);
                if (value != null) {
                    out.write(cell(value));
                }
            }
            out.write("\r\n");
        }

        static String cell(Object value) {
            String text;
            if (value instanceof Map<?, ?> map) {
                try {
                    text = map.isEmpty() ? "" : JSON.writeValueAsString(map);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                text = String.valueOf(value);
            }
            if (value instanceof String && !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
                text = "'" + text;
            }
            if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
                return '"' + text.replace("\"", "\"\"") + '"';
            }
            return text;
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
