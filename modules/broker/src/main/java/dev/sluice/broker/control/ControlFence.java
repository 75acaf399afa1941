package dev.sluice.broker.control;

import dev.sluice.protocol.Errors;

import java.util.function.Supplier;

/**
 * Fences the controller's requests (LeaderAndIsr, UpdateMetadata, StopReplica) as a ZooKeeper-mode
 * Kafka broker does: a request from a controller of an older epoch than one already heard is
 * refused with STALE_CONTROLLER_EPOCH (a zombie controller), and one addressed to an earlier
 * incarnation of this broker (its broker epoch, the czxid of its registration, is older than the
 * current one) with STALE_BROKER_EPOCH. A request carrying broker epoch -1 (versions without the
 * field) is not checked against it; a newer broker epoch than ours is accepted (the controller saw
 * our new registration first). Kafka answers a stale UpdateMetadata with NOT_CONTROLLER
 * (ControllerMovedException); Sluice uses STALE_CONTROLLER_EPOCH for all three requests.
 *
 * <p>Admission and application happen under one lock, so two controllers' requests never
 * interleave: once a newer controller's request was applied, no older one changes anything.
 *
 * <p>A broker joining a cluster listens before it has registered (a bounced broker waits for its
 * previous run's registration to expire), and the controller may still be delivering what it
 * queued for that previous run: such a request carries the old broker epoch, which cannot be told
 * from a newer one while this broker's own is unknown. So after {@link #expectRegistration}, a
 * request carrying a broker epoch waits until the registration sets this broker's epoch (then is
 * checked against it) or refuses it once {@code maxWaitMs} passed; applying it unchecked once let a
 * bounced broker lead, on its previous run's orders, partitions the controller was moving away.
 *
 * <p>Threads: request handler threads call {@link #apply}; the registration code sets the broker
 * epoch from its own thread.
 */
public final class ControlFence {
    private static final System.Logger LOG = System.getLogger(ControlFence.class.getName());
    /** Kafka's epoch field value for "not given". */
    public static final long NO_BROKER_EPOCH = -1;

    private int controllerEpoch = 0; // Kafka's KafkaController.InitialControllerEpoch
    private volatile long brokerEpoch = NO_BROKER_EPOCH;
    /** Guarded by this: requests with a broker epoch wait for the registration (cluster mode). */
    private boolean registrationExpected;
    private long registrationWaitMs;

    /**
     * This broker registers in a cluster: until {@link #brokerEpoch(long)} is called, a request
     * carrying a broker epoch waits for it, at most {@code maxWaitMs}.
     */
    public synchronized void expectRegistration(long maxWaitMs) {
        this.registrationExpected = true;
        this.registrationWaitMs = maxWaitMs;
    }

    /** This broker's current incarnation (its registration's epoch); -1 while not registered. */
    public synchronized void brokerEpoch(long epoch) {
        this.brokerEpoch = epoch;
        notifyAll(); // requests waiting for the registration
    }

    public long brokerEpoch() {
        return brokerEpoch;
    }

    /** The newest controller epoch applied so far. */
    public synchronized int controllerEpoch() {
        return controllerEpoch;
    }

    /**
     * Runs {@code change} if the request's epochs are current, recording its controller epoch as
     * the newest; otherwise changes nothing.
     *
     * @param what the request, for the log
     */
    public synchronized <T> Fenced<T> apply(String what, int requestControllerEpoch, long requestBrokerEpoch,
                                            Supplier<T> change) {
        if (requestBrokerEpoch != NO_BROKER_EPOCH && brokerEpoch == NO_BROKER_EPOCH && registrationExpected
                && !awaitRegistration()) {
            String reason = what + " for broker epoch " + requestBrokerEpoch + " refused: this broker has not registered in "
                    + registrationWaitMs + " ms, so its epoch is unknown";
            LOG.log(System.Logger.Level.WARNING, reason);
            return new Fenced.Refused<>(Errors.STALE_BROKER_EPOCH, reason);
        }
        long current = brokerEpoch;
        if (requestBrokerEpoch != NO_BROKER_EPOCH && requestBrokerEpoch < current) {
            String reason = what + " for broker epoch " + requestBrokerEpoch + " ignored: this broker's epoch is " + current;
            LOG.log(System.Logger.Level.WARNING, reason);
            return new Fenced.Refused<>(Errors.STALE_BROKER_EPOCH, reason);
        }
        if (requestControllerEpoch < controllerEpoch) {
            String reason = what + " from controller epoch " + requestControllerEpoch + " ignored: controller epoch "
                    + controllerEpoch + " has been seen";
            LOG.log(System.Logger.Level.WARNING, reason);
            return new Fenced.Refused<>(Errors.STALE_CONTROLLER_EPOCH, reason);
        }
        controllerEpoch = requestControllerEpoch;
        return new Fenced.Applied<>(change.get());
    }

    /** Waits (releasing the lock) until the registration sets the broker epoch; false if it did not in time. */
    private boolean awaitRegistration() {
        // a blocking wait on the real clock: the registration happens on another thread in real time
        long deadline = System.nanoTime() + registrationWaitMs * 1_000_000L;
        while (brokerEpoch == NO_BROKER_EPOCH) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
            if (leftMs <= 0) {
                return false;
            }
            try {
                wait(leftMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
