package dev.sluice.api.config;

/**
 * The type of a setting, as Kafka names them; {@link #describeId()} is the {@code ConfigType} code
 * DescribeConfigs v3+ reports (Kafka's {@code DescribeConfigsResponse.ConfigType}).
 */
public enum ConfigType {
    BOOLEAN(1, "true or false"),
    STRING(2, "a string"),
    INT(3, "an integer"),
    SHORT(4, "an integer"),
    LONG(5, "an integer"),
    DOUBLE(6, "a number"),
    /** Comma-separated; blanks dropped. */
    LIST(7, "a comma-separated list"),
    CLASS(8, "a class name"),
    PASSWORD(9, "a string");

    private final byte describeId;
    private final String accepted;

    ConfigType(int describeId, String accepted) {
        this.describeId = (byte) describeId;
        this.accepted = accepted;
    }

    public byte describeId() {
        return describeId;
    }

    /** What a value of this type looks like, for error messages ("an integer"). */
    public String accepted() {
        return accepted;
    }
}
