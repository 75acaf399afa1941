package dev.sluice.broker.controller;

/**
 * How control messages reach brokers. Kafka's {@code ControllerChannelManager}: one queue per
 * broker, sent in order, retried until the broker answers or is gone. The controller only hands
 * messages over (never waits for an answer), so an implementation must not block for long.
 * Called on the controller thread only.
 */
public interface ControlChannel {

    /** Queues {@code message} for {@code brokerId}, after every message queued for it before. */
    void send(int brokerId, ControlMessage message);

    /** The broker is gone (or bounced): drop what is queued for it. */
    default void brokerRemoved(int brokerId) {
    }

    /** This controller stopped being the controller: drop everything queued (it carries a stale epoch). */
    default void controllerResigned() {
    }
}
