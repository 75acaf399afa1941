package dev.sluice.api.compression;

/** Kafka's compression codec ids, as stored in bits 0-2 of a batch's attributes. */
public enum CompressionType {
    NONE(0, "none"),
    GZIP(1, "gzip"),
    SNAPPY(2, "snappy"),
    LZ4(3, "lz4"),
    ZSTD(4, "zstd");

    private static final CompressionType[] BY_ID = values();

    private final int id;
    private final String configName;

    CompressionType(int id, String configName) {
        this.id = id;
        this.configName = configName;
    }

    public int id() {
        return id;
    }

    /** The name used in configuration ({@code compression.type}). */
    public String configName() {
        return configName;
    }

    public static CompressionType forId(int id) {
        if (id < 0 || id >= BY_ID.length) {
            throw new IllegalArgumentException("unknown compression codec id " + id + " (known: 0-4)");
        }
        return BY_ID[id];
    }

    public static CompressionType forName(String name) {
        for (CompressionType type : BY_ID) {
            if (type.configName.equalsIgnoreCase(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown compression type '" + name + "' (known: none, gzip, snappy, lz4, zstd)");
    }
}
