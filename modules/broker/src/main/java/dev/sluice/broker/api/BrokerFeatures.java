package dev.sluice.broker.api;

import java.util.List;
import java.util.Optional;

/**
 * The one list of the feature levels Sluice implements (KIP-584), advertised in ApiVersions v3+ as
 * both supported and finalized, so {@code kafka-features.sh describe} and {@code Admin.describeFeatures}
 * print them. Sluice cannot move between levels: UpdateFeatures ({@link FeatureHandlers}) accepts only
 * the level in effect. Immutable; read by request-handler threads.
 *
 * <p>Left out on purpose, which clients read as level 0:
 * <ul>
 *   <li>{@code transaction.version}: the transaction coordinator speaks transactions v1 (no KIP-890
 *       epoch bump per transaction, EndTxn up to v4; see {@code broker.txn.api.TxnApis}); advertising 2
 *       would make kafka-clients 4.x producers use it;</li>
 *   <li>{@code group.version}: only classic consumer groups (no KIP-848 ConsumerGroupHeartbeat);</li>
 *   <li>{@code kraft.version}, {@code eligible.leader.replicas.version}, {@code share.version},
 *       {@code streams.version}: no KRaft quorum, ELR, share groups or streams groups.</li>
 * </ul>
 */
public final class BrokerFeatures {
    /** One feature at a fixed level. */
    public record Feature(String name, short level, String description) {
    }

    /**
     * {@code metadata.version} 27 is Kafka 4.1-IV1: the release whose client protocol versions
     * Sluice answers (every stable version of the bundled 4.1 schemas).
     */
    public static final Feature METADATA_VERSION = new Feature("metadata.version", (short) 27, "4.1-IV1");

    /** The features in effect, each supported and finalized at exactly its level. */
    public static final List<Feature> ALL = List.of(METADATA_VERSION);

    /**
     * The epoch of the finalized features: they never change, so it stays 0 (clients only need it
     * to be at least 0 to trust the list).
     */
    public static final long EPOCH = 0;

    private BrokerFeatures() {
    }

    public static Optional<Feature> named(String name) {
        return ALL.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
