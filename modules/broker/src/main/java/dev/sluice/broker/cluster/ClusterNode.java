package dev.sluice.broker.cluster;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.BrokerInfo;
import dev.sluice.api.cluster.ClusterListener;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ConfigEntity;
import dev.sluice.broker.control.ControlFence;
import dev.sluice.broker.controller.ControllerService;
import dev.sluice.broker.controller.ControllerSettings;
import dev.sluice.broker.controller.network.NetworkControlChannel;
import dev.sluice.broker.interbroker.Endpoints;
import dev.sluice.broker.interbroker.InterBrokerSecurity;

import java.util.List;
import java.util.Optional;

/**
 * A broker's part in a cluster, started once its listeners are bound: registration
 * ({@link ClusterMembership}, whose broker epoch the {@link ControlFence} checks control requests
 * against), the controller candidate ({@link ControllerService}, sending over a
 * {@link NetworkControlChannel}), the {@link ControllerLink} for this broker's requests to whichever
 * broker is the controller, and the catalogue kept up with topics created in the store.
 * Closing stops the link, gives up the controller role, then the registration, then the store session.
 *
 * <p>Threads: {@link #start} and {@link #close} on the broker's start-up/shut-down thread; store
 * events on the store's event thread.
 */
public final class ClusterNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());
    /** Kafka's {@code controller.socket.timeout.ms} default. */
    private static final int CONTROL_SOCKET_TIMEOUT_MS = 30_000;
    private static final long CONTROL_RETRY_BACKOFF_MS = 100;

    private final ClusterMetadataStore store;
    private final NetworkControlChannel channel;
    private final ControllerService controller;
    private final ClusterMembership membership;
    private final ControllerLink link;
    private final int brokerId;

    private ClusterNode(int brokerId, ClusterMetadataStore store, NetworkControlChannel channel, ControllerService controller,
                        ClusterMembership membership, ControllerLink link) {
        this.store = store;
        this.channel = channel;
        this.controller = controller;
        this.membership = membership;
        this.link = link;
        this.brokerId = brokerId;
    }

    /**
     * Registers this broker with its advertised endpoints and rack and stands for controller.
     *
     * @param security the listener other brokers' controllers reach this one on (and this one them), and how
     *                 connections to it are secured
     * @param sessionTimeoutMs the store session's timeout: at start this broker waits longer than that
     *                         for its id to be released by a previous run killed just before
     * @param topicConfigsChanged told (on the store's event thread) the name of a topic whose
     *                            overrides changed in the store and were taken into {@code topics}
     * @throws IllegalStateException if another live broker holds this broker's id
     */
    public static ClusterNode start(int brokerId, List<BrokerEndpoint> endpoints, Optional<String> rack,
                                    InterBrokerSecurity security, ClusterMetadataStore store, ClusterTopicRegistry topics,
                                    java.util.function.Predicate<String> hostsTopic,
                                    java.util.function.Consumer<String> topicConfigsChanged, ControlFence fence,
                                    ControllerSettings settings, Scheduler scheduler, Time time, int sessionTimeoutMs) {
        NetworkControlChannel channel = new NetworkControlChannel(brokerId,
                id -> Optional.ofNullable(store.liveBrokers().get(id)), security, CONTROL_SOCKET_TIMEOUT_MS,
                CONTROL_RETRY_BACKOFF_MS);
        ControllerService controller = new ControllerService(brokerId, store, channel, settings, scheduler);
        ClusterMembership membership = new ClusterMembership(store, new BrokerInfo(brokerId, endpoints, rack),
                () -> controller.resignAndWait(10_000), idReleaseWaitMs(sessionTimeoutMs), time);
        membership.addListener(new ClusterMembership.Listener() {
            @Override
            public void sessionLost() {
            }

            @Override
            public void registered(long brokerEpoch) {
                fence.brokerEpoch(brokerEpoch);
            }
        });
        store.addListener(new ClusterListener() {
            @Override
            public void topicsChanged() {
                try {
                    topics.refresh(hostsTopic);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "reading new topics from the cluster metadata store failed", e);
                }
            }

            @Override
            public void configChanged(ConfigEntity entity) {
                if (entity.type() != ConfigEntity.Type.TOPIC) {
                    return;
                }
                try {
                    if (topics.reloadConfigs(entity.name())) {
                        topicConfigsChanged.accept(entity.name());
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "reading the configs of topic " + entity.name()
                            + " from the cluster metadata store failed", e);
                }
            }

            @Override
            public void sessionEstablished() {
                try { // changes made while this broker had no session raised no event here
                    topics.reloadAllConfigs().forEach(topicConfigsChanged);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "reading topic configs from the cluster metadata store failed", e);
                }
            }
        });
        ControllerLink link = new ControllerLink(brokerId, () -> locateController(store, security.listenerName()),
                CONTROL_SOCKET_TIMEOUT_MS, CONTROL_RETRY_BACKOFF_MS, time, security);
        ClusterNode node = new ClusterNode(brokerId, store, channel, controller, membership, link);
        try {
            topics.refresh(hostsTopic);
            fence.brokerEpoch(membership.start());
            controller.start();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** The controller as the store knows it: its id and the endpoint of its inter-broker listener. */
    private static Optional<ControllerLink.Controller> locateController(ClusterMetadataStore store, String listenerName) {
        java.util.OptionalInt id = store.controllerId();
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(store.liveBrokers().get(id.getAsInt()))
                .flatMap(b -> Endpoints.interBroker(b, listenerName))
                .map(e -> new ControllerLink.Controller(id.getAsInt(), e.host(), e.port()));
    }

    /** The session timeout, plus ZooKeeper's expiry granularity (a tick, at most a tenth of the timeout) and a margin. */
    static long idReleaseWaitMs(int sessionTimeoutMs) {
        return sessionTimeoutMs + Math.max(2_000, sessionTimeoutMs / 2);
    }

    public ClusterMetadataStore store() {
        return store;
    }

    public ControllerService controller() {
        return controller;
    }

    public ClusterMembership membership() {
        return membership;
    }

    /**
     * Kafka's controlled shutdown (see {@link ControlledShutdown}): asks the controller to move this broker's
     * partition leadership away, up to {@code maxRetries} times, {@code retryBackoffMs} apart. Before {@link #close}.
     */
    public ControlledShutdown.Outcome controlledShutdown(int maxRetries, long retryBackoffMs) {
        return new ControlledShutdown(brokerId, membership::brokerEpoch, link, maxRetries, retryBackoffMs,
                CONTROL_SOCKET_TIMEOUT_MS).run();
    }

    /**
     * Whether another broker is registered (as far as the store can tell: true if it cannot): a controlled
     * shutdown of the last live broker has nobody to hand leadership to.
     */
    public boolean otherLiveBrokers() {
        try {
            return store.liveBrokers().keySet().stream().anyMatch(id -> id != brokerId);
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** This broker's requests to the controller (AlterPartition, ControlledShutdown, forwarded ElectLeaders). */
    public ControllerLink controllerLink() {
        return link;
    }

    @Override
    public void close() {
        link.close();
        controller.close();
        channel.close();
        membership.close();
        store.close();
    }
}
