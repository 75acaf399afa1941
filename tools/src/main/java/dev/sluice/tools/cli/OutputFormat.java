package dev.sluice.tools.cli;

/** How a list or describe prints: Kafka's text tables, or one JSON document ({@code --format json}, {@code -o json}). */
public enum OutputFormat {
    TEXT, JSON;

    public static OutputFormat of(Args args) throws UsageException {
        String value = args.value("--format", "text");
        return switch (value) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new UsageException("--format takes text or json, not '" + value + "'");
        };
    }
}
