package dev.sluice.api.cluster;

/**
 * Change notifications from a {@link ClusterMetadataStore}. Events say only <em>what</em> changed;
 * the listener re-reads the store (as with ZooKeeper watches, several changes may arrive as one
 * event). All events of one store are delivered in order on one thread of the store's, never
 * while the store holds a lock, so listeners may call the store; a slow listener delays the
 * events after it.
 */
public interface ClusterListener {

    /** A broker registered or its registration went away (session ended or closed). */
    default void brokersChanged() {
    }

    /** The controller changed or is gone. */
    default void controllerChanged() {
    }

    /** A topic was created or deleted, or a topic's assignment changed (e.g. partitions added). */
    default void topicsChanged() {
    }

    /** A partition state was written (by the controller). */
    default void partitionStateChanged(String topic, int partition) {
    }

    /** Someone asked to delete a topic ({@link ClusterMetadataStore#requestTopicDeletion}). */
    default void topicDeletionRequested() {
    }

    /** The config overrides of an entity changed. */
    default void configChanged(ConfigEntity entity) {
    }

    /** The ACL entries of a resource pattern were written or removed ({@link ClusterMetadataStore#writeAcls}). */
    default void aclsChanged(dev.sluice.api.security.ResourcePattern pattern) {
    }

    /**
     * The session ended: this store's broker registration and controllership are gone (another
     * broker may already be the controller). Cached cluster state must no longer be acted on; a
     * controller resigns before anything else. A new session follows:
     * {@link #sessionEstablished()}.
     */
    default void sessionExpired() {
    }

    /**
     * A new session replaced an expired one: the broker registers again (a new broker epoch),
     * and may stand for controller election.
     */
    default void sessionEstablished() {
    }
}
