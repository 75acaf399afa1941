package dev.sluice.broker.group;

/**
 * Creates {@code __consumer_offsets} in a cluster when a client first looks for a group's
 * coordinator and the topic does not exist yet (Kafka creates it lazily on FindCoordinator). The
 * caller answers COORDINATOR_NOT_AVAILABLE meanwhile: the controller still has to elect leaders.
 *
 * <p>Threads: request handler threads, concurrently; implementations make repeated calls harmless.
 */
@FunctionalInterface
public interface OffsetsTopicCreator {

    /** Creates the topic if it does not exist and can be created now (enough live brokers); never throws. */
    void createIfMissing();
}
