package dev.tally.deploy.cluster;

/** Escaping for values, paths above all, put into generated XML and YAML files. */
final class ConfigText {

    private ConfigText() {
    }

    static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }

    /** A YAML single-quoted scalar. */
    static String yaml(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
