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
 * <p>Threads: request handler threads call {@link #apply}; the registration code sets the broker
 * epoch from its own thread.
 */
public final class ControlFence {
    private static final System.Logger LOG = System.getLogger(ControlFence.class.getName());
    /** Kafka's epoch field value for "not given". */
    public static final long NO_BROKER_EPOCH = -1;

    private int controllerEpoch = 0; // Kafka's KafkaController.InitialControllerEpoch
    private volatile long brokerEpoch = NO_BROKER_EPOCH;

    /** This broker's current incarnation (its registration's epoch); -1 while not registered. */
    public void brokerEpoch(long epoch) {
        this.brokerEpoch = epoch;
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
}
