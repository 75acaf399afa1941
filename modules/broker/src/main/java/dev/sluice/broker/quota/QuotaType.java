package dev.sluice.broker.quota;

import java.util.Optional;

/** The client quotas Sluice enforces, by Kafka's config key. */
public enum QuotaType {
    /** Produce request bytes per second. */
    PRODUCE("producer_byte_rate"),
    /** Fetch response bytes per second. */
    FETCH("consumer_byte_rate"),
    /** Percentage of one request-handler thread's time (200 = two threads). */
    REQUEST("request_percentage");

    private final String key;

    QuotaType(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Optional<QuotaType> byKey(String key) {
        for (QuotaType type : values()) {
            if (type.key.equals(key)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
