package dev.sluice.broker.controller;

/** The ElectLeaders API's election types (its {@code ElectionType} field: 0 preferred, 1 unclean). */
public enum ElectionType {
    PREFERRED, UNCLEAN;

    public static ElectionType fromCode(byte code) {
        return switch (code) {
            case 0 -> PREFERRED;
            case 1 -> UNCLEAN;
            default -> throw new IllegalArgumentException("unknown election type " + code);
        };
    }
}
