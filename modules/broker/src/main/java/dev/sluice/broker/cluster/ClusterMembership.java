package dev.sluice.broker.cluster;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.BrokerInfo;
import dev.sluice.api.cluster.ClusterListener;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.cluster.RegistrationOutcome;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This broker's membership of the cluster: its registration in the cluster metadata store (and
 * the broker epoch that comes with it), and what happens when the store's session expires, in
 * Kafka's order: the controller resigns <em>first</em> (before anything else could act on its
 * lost lease), then the broker stops acting on cached cluster state ({@link #isCurrent()} false,
 * {@link Listener#sessionLost()}), and once a new session is up it registers again with a new
 * epoch ({@link Listener#registered(long)}) — other brokers' controllers see it as bounced.
 *
 * <p>Threads: {@link #start()} and {@link #close()} on the broker's start-up/shut-down thread;
 * session events arrive on the store's event thread, which is also where listeners run. The
 * state read by {@link #brokerEpoch()} / {@link #isCurrent()} is volatile (any thread).
 */
public final class ClusterMembership implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterMembership.class.getName());
    /** After an expiry the old registration is gone, but another broker may hold the id meanwhile. */
    private static final int REGISTRATION_ATTEMPTS = 5;
    private static final long REGISTRATION_RETRY_MS = 500;

    /** Told about the session; called on the store's event thread, in the order added. */
    public interface Listener {
        /** The session expired: cluster state cached until now must not be acted on. */
        default void sessionLost() {
        }

        /** Registered (at start or again after an expiry) with this broker epoch. */
        default void registered(long brokerEpoch) {
        }
    }

    private final ClusterMetadataStore store;
    private final BrokerInfo self;
    private final Runnable resignController;
    private final long idReleaseWaitMs;
    private final Time time;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** -1 while not registered. */
    private volatile long brokerEpoch = -1;
    private volatile boolean closed;

    /**
     * @param resignController makes this broker's controller (if it is one) resign; run before
     *                         anything else when the session expires
     */
    public ClusterMembership(ClusterMetadataStore store, BrokerInfo self, Runnable resignController) {
        this(store, self, resignController, 0, Time.SYSTEM);
    }

    /**
     * @param idReleaseWaitMs how long {@link #start()} waits for this broker id to be released when
     *                        it is registered already: a broker killed and restarted quickly finds its
     *                        previous incarnation's registration until that session expires (the session
     *                        timeout, plus the server's expiry tick), so a wait longer than the session
     *                        timeout tells a bounce from a second live broker with the same id
     */
    public ClusterMembership(ClusterMetadataStore store, BrokerInfo self, Runnable resignController, long idReleaseWaitMs,
                             Time time) {
        this.store = store;
        this.self = self;
        this.resignController = resignController;
        this.idReleaseWaitMs = idReleaseWaitMs;
        this.time = time;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Registers this broker and starts following the session. While the id is registered already
     * it tries again every 500 ms for up to the id-release wait (see the constructor).
     *
     * @throws IllegalStateException if a live broker still holds this broker id after that wait
     * @throws ClusterStoreException if the store cannot be reached
     */
    public long start() {
        store.addListener(new ClusterListener() {
            @Override
            public void sessionExpired() {
                onSessionExpired();
            }

            @Override
            public void sessionEstablished() {
                onSessionEstablished();
            }
        });
        long waitUntil = time.nanoseconds() + idReleaseWaitMs * 1_000_000;
        RegistrationOutcome outcome = store.registerBroker(self);
        if (outcome instanceof RegistrationOutcome.IdInUse && idReleaseWaitMs > 0) {
            LOG.log(System.Logger.Level.WARNING, "broker.id {0} is registered already, by a live broker or by this broker''s "
                    + "previous run whose session has not expired yet: waiting up to {1} ms for it to go", self.id(), idReleaseWaitMs);
        }
        while (outcome instanceof RegistrationOutcome.IdInUse && time.nanoseconds() < waitUntil && !closed) {
            try {
                Thread.sleep(REGISTRATION_RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            outcome = store.registerBroker(self);
        }
        if (outcome instanceof RegistrationOutcome.IdInUse) {
            throw new IllegalStateException("broker.id " + self.id() + " is already registered by another live broker:"
                    + " each broker of a cluster needs its own id");
        }
        brokerEpoch = ((RegistrationOutcome.Registered) outcome).brokerEpoch();
        LOG.log(System.Logger.Level.INFO, "broker {0} registered with broker epoch {1}", self.id(), brokerEpoch);
        return brokerEpoch;
    }

    /** The epoch of the current registration; empty while the session is lost or not yet registered. */
    public OptionalLong brokerEpoch() {
        long epoch = brokerEpoch;
        return epoch < 0 ? OptionalLong.empty() : OptionalLong.of(epoch);
    }

    /** Whether this broker is registered in a live session, so its cached cluster state may be acted on. */
    public boolean isCurrent() {
        return brokerEpoch >= 0 && !closed;
    }

    private void onSessionExpired() {
        LOG.log(System.Logger.Level.WARNING, "broker {0}: cluster metadata session expired; the controller role "
                + "(if held) is given up and cached cluster state is no longer acted on", self.id());
        try {
            resignController.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "resigning as controller after the session expired failed", e);
        }
        brokerEpoch = -1;
        for (Listener l : listeners) {
            try {
                l.sessionLost();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "session-lost listener failed", e);
            }
        }
    }

    private void onSessionEstablished() {
        for (int attempt = 1; attempt <= REGISTRATION_ATTEMPTS && !closed; attempt++) {
            try {
                RegistrationOutcome outcome = store.registerBroker(self);
                if (outcome instanceof RegistrationOutcome.Registered registered) {
                    brokerEpoch = registered.brokerEpoch();
                    LOG.log(System.Logger.Level.INFO, "broker {0} registered again with broker epoch {1}",
                            self.id(), brokerEpoch);
                    for (Listener l : listeners) {
                        try {
                            l.registered(brokerEpoch);
                        } catch (RuntimeException e) {
                            LOG.log(System.Logger.Level.ERROR, "registration listener failed", e);
                        }
                    }
                    return;
                }
                LOG.log(System.Logger.Level.ERROR, "broker.id {0} is held by another live broker (attempt {1} of {2})",
                        self.id(), attempt, REGISTRATION_ATTEMPTS);
            } catch (ClusterStoreException e) {
                LOG.log(System.Logger.Level.WARNING, "registering again failed (attempt {0} of {1}): {2}",
                        attempt, REGISTRATION_ATTEMPTS, e.getMessage());
            }
            try {
                Thread.sleep(REGISTRATION_RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.log(System.Logger.Level.ERROR, "broker {0} could not register again: it stays out of the cluster", self.id());
    }

    /** Stops following the session; the registration goes when the store closes. */
    @Override
    public void close() {
        closed = true;
        brokerEpoch = -1;
    }
}
