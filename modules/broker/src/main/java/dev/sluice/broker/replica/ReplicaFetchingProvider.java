package dev.sluice.broker.replica;

import dev.sluice.api.Time;
import dev.sluice.broker.metadata.MetadataCache;
import dev.sluice.broker.partition.PartitionManager;

import java.util.ServiceLoader;
import java.util.function.LongSupplier;

/**
 * Finds the follower side of replication: a module {@code provides} this (and lists it in
 * {@code META-INF/services} for the class path); the broker {@code uses} it, so it never depends
 * on the implementation.
 */
public interface ReplicaFetchingProvider {

    /**
     * What replica fetchers need from the broker.
     *
     * @param brokerId    this broker's id, the fetches' replica id
     * @param brokerEpoch this broker's registration epoch (-1 until registered), sent as ReplicaEpoch
     * @param metadata    where the leaders' endpoints come from
     * @param partitions  the local partitions, and where a storage failure is reported
     * @param settings    {@code num.replica.fetchers}, {@code replica.fetch.*}
     * @param interBrokerListener the listener leaders are fetched from (their address on it)
     * @param interBrokerTls      the broker's ssl.* settings when that listener uses TLS, else null
     * @param interBrokerSasl     the broker's login when that listener uses SASL, else null
     */
    record Context(int brokerId, LongSupplier brokerEpoch, MetadataCache metadata, PartitionManager partitions,
                   ReplicaFetchSettings settings, Time time, String interBrokerListener,
                   dev.sluice.protocol.tls.TlsSettings interBrokerTls,
                   dev.sluice.protocol.sasl.SaslClientSettings interBrokerSasl) {
    }

    /** Starts the fetcher manager; it starts threads only once partitions are followed. */
    ReplicaFetching start(Context context);

    /** The installed provider's fetching, or {@link ReplicaFetching#NONE} if none is installed. */
    static ReplicaFetching load(Context context) {
        return ServiceLoader.load(ReplicaFetchingProvider.class)
                .findFirst().map(p -> p.start(context)).orElse(ReplicaFetching.NONE);
    }
}
