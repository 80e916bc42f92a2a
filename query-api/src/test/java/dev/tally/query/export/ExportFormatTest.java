package dev.tally.query.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExportFormatTest {
    private static ExportRecord record(String title, Map<String, String> props) {
        List<Object> values = new ArrayList<>(Collections.nCopies(ExportFormat.COLUMNS.size(), null));
        values.set(ExportFormat.COLUMNS.indexOf("event_time"), Instant.parse("2026-11-22T10:00:00Z"));
        values.set(ExportFormat.COLUMNS.indexOf("event_id"), UUID.fromString("00000000-0000-0000-0000-000000000001"));
        values.set(ExportFormat.COLUMNS.indexOf("type"), "pageview");
        values.set(ExportFormat.COLUMNS.indexOf("title"), title);
        values.set(ExportFormat.COLUMNS.indexOf("props"), props);
        return new ExportRecord(values);
    }

    private static String write(ExportFormat format, ExportRecord... records) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ExportFormat.Sink sink = format.open(out)) {
            for (ExportRecord record : records) {
                sink.write(record);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void ndjson_writes_one_object_per_line_without_absent_values() throws Exception {
        String text = write(ExportFormat.NDJSON, record("Hello \"world\"\n", Map.of("plan", "pro")), record("x", Map.of()));
        String[] lines = text.split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).isEqualTo("{\"event_time\":\"2026-11-22T10:00:00Z\",\"event_id\":\"00000000-0000-0000-0000-000000000001\","
                + "\"type\":\"pageview\",\"title\":\"Hello \\\"world\\\"\\n\",\"props\":{\"plan\":\"pro\"}}");
    }

    @Test
    void csv_quotes_cells_and_defuses_spreadsheet_formulas() throws Exception {
        String text = write(ExportFormat.CSV, record("=HYPERLINK(\"http://evil\")", Map.of("a", "1")), record("a,b", Map.of()));
        String[] lines = text.split("\r\n");
        assertThat(lines[0]).isEqualTo(String.join(",", ExportFormat.COLUMNS));
        assertThat(lines[1]).contains(",\"'=HYPERLINK(\"\"http://evil\"\")\",").endsWith(",\"{\"\"a\"\":\"\"1\"\"}\"");
        assertThat(lines[2]).contains(",\"a,b\",");
    }
}
