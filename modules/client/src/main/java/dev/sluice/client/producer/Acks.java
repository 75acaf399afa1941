package dev.sluice.client.producer;

/** How many replicas must have a batch before the broker answers ({@code acks}). */
public enum Acks {
    /** No answer at all: fire and forget. */
    NONE((short) 0, "0"),
    /** The leader wrote it. */
    LEADER((short) 1, "1"),
    /** Every in-sync replica has it. */
    ALL((short) -1, "all");

    private final short wire;
    private final String configValue;

    Acks(short wire, String configValue) {
        this.wire = wire;
        this.configValue = configValue;
    }

    public short wireValue() {
        return wire;
    }

    public String configValue() {
        return configValue;
    }

    static Acks parse(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "0" -> NONE;
            case "1" -> LEADER;
            case "all", "-1" -> ALL;
            default -> null;
        };
    }
}
