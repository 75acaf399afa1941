package dev.sluice.client.admin;

/**
 * One setting of a resource. {@code source} is Kafka's config source id (1 dynamic topic,
 * 4 static broker, 5 default, ...); sensitive values come back null.
 */
public record ConfigEntry(String name, String value, byte source, boolean readOnly, boolean sensitive) {
    /** True when the value is a default rather than set for this resource. */
    public boolean isDefault() {
        return source == 5;
    }
}
