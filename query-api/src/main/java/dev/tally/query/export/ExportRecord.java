package dev.tally.query.export;

import java.util.List;

/** One raw event as exported: its values in the order of {@link ExportFormat#COLUMNS} (null: absent). */
public record ExportRecord(List<Object> values) {
    public ExportRecord {
        if (values.size() != ExportFormat.COLUMNS.size()) {
            throw new IllegalArgumentException("an export record has " + ExportFormat.COLUMNS.size() + " values, not " + values.size());
        }
    }
}
