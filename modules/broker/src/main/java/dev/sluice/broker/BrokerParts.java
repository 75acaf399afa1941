package dev.sluice.broker;

import dev.sluice.api.Scheduler;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.InProcessMetadataStore;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.broker.api.Authorization;
import dev.sluice.broker.cleaner.LogCleaner;
import dev.sluice.broker.cluster.ClusterNode;
import dev.sluice.broker.group.CoordinatorPartitions;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.metrics.BrokerMetrics;
import dev.sluice.broker.network.SocketServer;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.StorageEngines;
import dev.sluice.broker.replica.ReplicaManager;
import dev.sluice.broker.txn.Transactions;

/**
 * The parts of a broker that hold threads, files or connections, filled in as {@link BrokerAssembly} starts
 * them, and closed by {@link #close()} in the one shutdown order: the end of {@link Broker#close()}, and the
 * undoing of a start that failed half-way (parts not started yet are null and skipped).
 *
 * <p>Written and closed by the thread that starts or closes the broker; {@link Broker} reads the parts from
 * any thread after the start (published through its final field).
 */
final class BrokerParts implements AutoCloseable {
    /** The cluster metadata store; null on a single node. Closed with {@link #cluster} once that runs. */
    ClusterMetadataStore store;
    /** The log storage engines; closed by {@link #partitions} once that exists. */
    StorageEngines engines;
    /** A single node's store of its dynamic configs, quotas, credentials and ACLs; null in a cluster. */
    InProcessMetadataStore localConfigStore;
    PartitionManager partitions;
    ReplicaManager replicas;
    OffsetStore offsetStore;
    GroupCoordinator groups;
    CoordinatorPartitions coordinatorPartitions;
    BrokerMetrics metrics;
    SocketServer server;
    Authorization authorization;
    /** The transaction coordinator (issue #12). */
    Transactions transactions;
    Scheduler housekeeping;
    /** The log cleaner (issue #13). */
    LogCleaner cleaner;
    /** This broker's part in a cluster; null on a single node. */
    ClusterNode cluster;

    /**
     * Closes what was started: the cluster part first (resigns as controller, deregisters; the session ends
     * with the store), then the server (in-flight requests finish), and the logs last, after everything that
     * appends to or reads them.
     */
    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        } else if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
        if (authorization != null) {
            authorization.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (housekeeping != null) {
            housekeeping.close();
        }
        if (cleaner != null) {
            cleaner.close(); // before the logs close: a cleaning in progress stops, changing nothing
        }
        if (transactions != null) {
            transactions.close();
        }
        if (coordinatorPartitions != null) {
            coordinatorPartitions.close();
        }
        if (groups != null) {
            groups.close();
        }
        if (offsetStore != null) {
            offsetStore.close();
        }
        if (replicas != null) {
            replicas.close(); // answers parked produces/fetches and stops their timer before the logs close
        }
        if (partitions != null) {
            partitions.close();
        } else if (engines != null) {
            engines.close();
        }
        if (localConfigStore != null) {
            localConfigStore.close();
        }
    }
}
