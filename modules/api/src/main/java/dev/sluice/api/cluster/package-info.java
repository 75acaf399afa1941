/**
 * The cluster metadata store: the one interface the broker and the controller use for everything
 * shared by a cluster (broker registrations, the controller and its epoch, topic assignments,
 * partition states, configs, delete-topic requests, producer-id blocks, the cluster id).
 *
 * <p>Two implementations: {@code dev.sluice.coordination.zookeeper} (Kafka's ZooKeeper layout,
 * found through {@link dev.sluice.api.cluster.ClusterMetadataStoreProvider} by the name
 * {@code zookeeper}) and {@link dev.sluice.api.cluster.InProcessMetadataStore}, used when
 * {@code zookeeper.connect} is absent, so one node runs the same code path without ZooKeeper.
 *
 * <p>Fencing follows Kafka's ZooKeeper mode: {@link dev.sluice.api.cluster.ClusterMetadataStore#elect}
 * returns a {@link dev.sluice.api.cluster.ControllerLease} (the controller epoch and the version of
 * the controller-epoch record it was won at); every controller write names that lease and fails with
 * {@link dev.sluice.api.cluster.WriteOutcome.Fenced} once another controller has been elected.
 */
package dev.sluice.api.cluster;
