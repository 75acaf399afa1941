package dev.sluice.protocol.message;

/**
 * A top-level message from one of the bundled schema files: a request, response, header or data
 * message, its versions and its root {@link StructSchema}.
 */
public final class MessageSchema {

    /** What a schema file describes. */
    public enum Kind { REQUEST, RESPONSE, HEADER, DATA }

    private final String name;
    private final Kind kind;
    private final short apiKey;
    private final Versions validVersions;
    private final Versions flexibleVersions;
    private final boolean latestVersionUnstable;
    private final StructSchema struct;

    MessageSchema(String name, Kind kind, short apiKey, Versions validVersions, Versions flexibleVersions,
                  boolean latestVersionUnstable, StructSchema struct) {
        this.name = name;
        this.kind = kind;
        this.apiKey = apiKey;
        this.validVersions = validVersions;
        this.flexibleVersions = flexibleVersions;
        this.latestVersionUnstable = latestVersionUnstable;
        this.struct = struct;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** The API key, or -1 for headers and data messages. */
    public short apiKey() {
        return apiKey;
    }

    public Versions validVersions() {
        return validVersions;
    }

    public Versions flexibleVersions() {
        return flexibleVersions;
    }

    public boolean flexibleIn(short version) {
        return flexibleVersions.contains(version);
    }

    /** Whether the highest valid version is still under development (not advertised by default). */
    public boolean latestVersionUnstable() {
        return latestVersionUnstable;
    }

    public StructSchema struct() {
        return struct;
    }

    /** A new message value with every field at its default. */
    public Struct newStruct() {
        return struct.newStruct();
    }

    @Override
    public String toString() {
        return name + " v" + validVersions;
    }
}
