package dev.sluice.client.producer;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.compression.CompressionType;
import dev.sluice.api.config.ConfigDef;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.config.Validator;
import dev.sluice.client.config.ClientConfig;
import dev.sluice.client.config.ConfigReader;
import dev.sluice.client.producer.partition.DefaultPartitioner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Everything a {@link SluiceProducer} is configured with, under Kafka's names and defaults.
 * Build it with {@link #builder()} or from a Kafka properties file with {@link #from(Properties)}.
 *
 * @param client             network settings shared with other clients
 * @param acks               {@code acks}: 0, 1 or all (default all)
 * @param lingerMs           {@code linger.ms}: wait this long for a batch to fill (default 5)
 * @param batchSize          {@code batch.size}: bytes of records per partition batch (default 16384)
 * @param bufferMemory       {@code buffer.memory}: bytes of unsent batches before send blocks (32 MiB)
 * @param maxBlockMs         {@code max.block.ms}: how long send may block on metadata or memory (60 s)
 * @param compression        {@code compression.type}: {@code none} or the name of any installed codec,
 *                           as the codec spells it: Kafka's gzip, snappy, lz4, zstd, or a plugin's
 * @param retries            {@code retries}: attempts after the first (default unbounded)
 * @param deliveryTimeoutMs  {@code delivery.timeout.ms}: bound on send to success or failure (120 s)
 * @param idempotence        {@code enable.idempotence} (default true): no duplicates, order kept on retry
 * @param maxRequestSize     {@code max.request.size}: largest record / request (1 MiB)
 * @param partitioner        {@code partitioner} or {@code partitioner.class}: provider name or class
 * @param transactionalId    {@code transactional.id}: null for a producer without transactions; set, it
 *                           makes the producer transactional (needs idempotence)
 * @param transactionTimeoutMs {@code transaction.timeout.ms}: the coordinator aborts a transaction open
 *                           longer than this (60 s)
 * @param settings           the raw settings, handed to the partitioner
 */
public record ProducerConfig(ClientConfig client, Acks acks, long lingerMs, int batchSize, long bufferMemory,
                             long maxBlockMs, String compression, int retries, long deliveryTimeoutMs,
                             boolean idempotence, int maxRequestSize, String partitioner,
                             String transactionalId, int transactionTimeoutMs,
                             Map<String, String> settings) {

    /** Kafka producer keys accepted without effect. */
    private static final List<String> IGNORED = List.of("key.serializer", "value.serializer",
            "partitioner.adaptive.partitioning.enable", "partitioner.availability.timeout.ms",
            "partitioner.ignore.keys", "compression.gzip.level", "compression.lz4.level",
            "compression.zstd.level", "metadata.max.idle.ms");

    /** {@code compression.type=none}: batches are sent as they are, no codec is looked up. */
    public static final String NO_COMPRESSION = "none";

    public ProducerConfig {
        Objects.requireNonNull(compression, "compression");
        settings = Map.copyOf(settings);
    }

    public static ProducerConfig from(Properties properties) {
        return read(ConfigReader.of(properties));
    }

    public static ProducerConfig from(Map<String, ?> settings) {
        return read(ConfigReader.of(settings));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The codec {@code compression.type} names, looked up by name among the installed ones, so a
     * plugin's codec is chosen exactly like gzip; {@code null} for {@code none}. The producer calls
     * this once, at construction: the send path only ever sees the codec object.
     *
     * @throws IllegalArgumentException no such codec is installed (the message lists those that are)
     */
    public CompressionCodec codec() {
        return compression.equals(NO_COMPRESSION) ? null : CompressionCodecs.installed().forName(compression);
    }

    /**
     * Checks a {@code compression.type} value against {@code codecs} and returns it as the codec
     * spells its name. Package-private so a test can hand in codecs of its own.
     */
    static String codecName(String name, CompressionCodecs codecs) {
        if (name.equalsIgnoreCase(NO_COMPRESSION)) {
            return NO_COMPRESSION;
        }
        CompressionCodec codec = codecs.forName(name);
        // a batch has 3 bits for the codec id (0 is none): a larger id would be masked into
        // another codec's id and the batch would decode as garbage on the other side
        if (codec.id() < 1 || codec.id() > 7) {
            throw new IllegalArgumentException("codec '" + codec.name() + "' has id " + codec.id()
                    + ", outside the 1-7 a record batch can carry");
        }
        return codec.name();
    }

    /** Every producer setting, defined once (Kafka's names and defaults). */
    public static final ConfigDef DEF;

    static {
        List<ConfigKey> keys = new ArrayList<>(ClientConfig.keys("sluice-producer", 5));
        keys.addAll(List.of(
                ConfigKey.of("acks", ConfigType.STRING, "all", Validator.of(v -> v instanceof String a && Acks.parse(a) != null,
                        "one of 0, 1, all, -1"), "replicas that must have a record before it is acknowledged"),
                ConfigKey.of("compression.type", ConfigType.STRING, NO_COMPRESSION, null,
                        "none or an installed codec's name (gzip, snappy, lz4, zstd, a plugin's)"),
                ConfigKey.of("partitioner", ConfigType.STRING, null, null, "partitioner name (default: Kafka's)"),
                ConfigKey.of("partitioner.class", ConfigType.CLASS, null, null, "Kafka's name for partitioner"),
                ConfigKey.of("transactional.id", ConfigType.STRING, null, null,
                        "makes the producer transactional: initTransactions, beginTransaction, commitTransaction"),
                ConfigKey.of("transaction.timeout.ms", ConfigType.INT, 60_000, Validator.atLeast(1),
                        "the coordinator aborts a transaction open longer than this"),
                ConfigKey.of("enable.idempotence", ConfigType.BOOLEAN, true, null,
                        "exactly-once per partition (needs acks=all, retries > 0, at most 5 in flight)"),
                ConfigKey.of("retries", ConfigType.INT, Integer.MAX_VALUE, Validator.atLeast(0), "resend attempts"),
                ConfigKey.of("linger.ms", ConfigType.LONG, 5L, Validator.atLeast(0), "wait this long to fill a batch"),
                ConfigKey.of("delivery.timeout.ms", ConfigType.LONG, 120_000L, Validator.atLeast(1),
                        "a record not acknowledged by then fails"),
                ConfigKey.of("batch.size", ConfigType.INT, 16_384, Validator.atLeast(0), "bytes per partition batch"),
                ConfigKey.of("buffer.memory", ConfigType.LONG, 32L * 1024 * 1024, Validator.atLeast(1),
                        "memory for records waiting to be sent"),
                ConfigKey.of("max.block.ms", ConfigType.LONG, 60_000L, Validator.atLeast(0),
                        "how long send may block for metadata or buffer memory"),
                ConfigKey.of("max.request.size", ConfigType.INT, 1024 * 1024, Validator.atLeast(1), "largest request sent")));
        DEF = ConfigDef.of(keys);
    }

    private static ProducerConfig read(ConfigReader r) {
        ConfigValues v = r.parse(DEF);
        ClientConfig client = ClientConfig.from(v, r);
        String acksValue = v.getString("acks");
        Acks acks = Acks.parse(acksValue);
        String compressionName = v.getString("compression.type");
        String compression = NO_COMPRESSION;
        try {
            compression = codecName(compressionName, CompressionCodecs.installed());
        } catch (IllegalArgumentException e) {
            r.problem("compression.type=" + compressionName + ": " + e.getMessage());
        }
        String partitioner = v.getString("partitioner");
        String partitionerClass = v.getString("partitioner.class");
        if (partitioner != null && partitionerClass != null && !partitioner.equals(partitionerClass)) {
            r.problem("partitioner=" + partitioner + " and partitioner.class=" + partitionerClass + " disagree");
        }
        String transactionalId = v.getString("transactional.id");
        if (transactionalId != null && transactionalId.isEmpty()) {
            transactionalId = null; // Kafka's clients treat an empty transactional.id as none
        }
        boolean idempotenceSet = v.isSet("enable.idempotence");
        boolean idempotence = v.getBoolean("enable.idempotence");
        int retries = v.getInt("retries");
        long linger = v.getLong("linger.ms");
        long deliveryTimeout = v.getLong("delivery.timeout.ms");
        if (deliveryTimeout < linger + client.requestTimeoutMs()) {
            r.problem("delivery.timeout.ms=" + deliveryTimeout + " must be at least linger.ms + request.timeout.ms ("
                    + (linger + client.requestTimeoutMs()) + ")");
        }
        // Kafka's rule: idempotence needs acks=all, retries > 0 and at most 5 requests in flight;
        // when the user only relied on the default, conflicting settings quietly turn it off
        String conflict = acks != Acks.ALL ? "acks=" + acksValue
                : retries == 0 ? "retries=0"
                : client.maxInFlightPerConnection() > 5
                ? "max.in.flight.requests.per.connection=" + client.maxInFlightPerConnection() : null;
        if (transactionalId != null && (!idempotence || conflict != null)) {
            r.problem("transactional.id=" + transactionalId + " needs idempotence: "
                    + (!idempotence ? "remove enable.idempotence=false" : "remove " + conflict)
                    + " (transactions need acks=all, retries > 0, max.in.flight.requests.per.connection <= 5)");
        } else if (idempotence && conflict != null) {
            if (idempotenceSet) {
                r.problem("enable.idempotence=true conflicts with " + conflict
                        + " (needs acks=all, retries > 0, max.in.flight.requests.per.connection <= 5)");
            }
            idempotence = false;
        }
        r.ignore(IGNORED);
        Map<String, String> raw = r.values();
        ProducerConfig config = new ProducerConfig(client, acks == null ? Acks.ALL : acks, linger,
                v.getInt("batch.size"), v.getLong("buffer.memory"), v.getLong("max.block.ms"),
                compression, retries, deliveryTimeout, idempotence, v.getInt("max.request.size"),
                partitioner != null ? partitioner : partitionerClass != null ? partitionerClass : DefaultPartitioner.NAME,
                transactionalId, v.getInt("transaction.timeout.ms"), raw);
        r.finish("producer");
        return config;
    }

    /** Fluent settings under Kafka's names; {@link #build()} validates them all at once. */
    public static final class Builder {
        private final Map<String, Object> settings = new LinkedHashMap<>();

        public Builder bootstrapServers(String servers) {
            return set("bootstrap.servers", servers);
        }

        public Builder clientId(String id) {
            return set("client.id", id);
        }

        public Builder acks(Acks acks) {
            return set("acks", acks.configValue());
        }

        public Builder lingerMs(long ms) {
            return set("linger.ms", ms);
        }

        public Builder batchSize(int bytes) {
            return set("batch.size", bytes);
        }

        public Builder bufferMemory(long bytes) {
            return set("buffer.memory", bytes);
        }

        public Builder maxBlockMs(long ms) {
            return set("max.block.ms", ms);
        }

        public Builder compression(CompressionType type) {
            return set("compression.type", type.configName());
        }

        /** {@code none} or any installed codec's name, a plugin's included. */
        public Builder compression(String codecName) {
            return set("compression.type", codecName);
        }

        public Builder retries(int retries) {
            return set("retries", retries);
        }

        public Builder deliveryTimeoutMs(long ms) {
            return set("delivery.timeout.ms", ms);
        }

        public Builder requestTimeoutMs(int ms) {
            return set("request.timeout.ms", ms);
        }

        public Builder idempotence(boolean enabled) {
            return set("enable.idempotence", enabled);
        }

        /** Makes the producer transactional under this id. */
        public Builder transactionalId(String id) {
            return set("transactional.id", id);
        }

        public Builder transactionTimeoutMs(int ms) {
            return set("transaction.timeout.ms", ms);
        }

        public Builder partitioner(String nameOrClass) {
            return set("partitioner", nameOrClass);
        }

        /** Any setting by its Kafka name. */
        public Builder set(String key, Object value) {
            settings.put(key, value);
            return this;
        }

        public ProducerConfig build() {
            return from(settings);
        }
    }
}
