package dev.sluice.connect.distributed;

import dev.sluice.connect.runtime.ConnectorTaskId;

/**
 * Where connectors and tasks run. The workers of a cluster are members of one consumer group
 * ({@code group.id}) subscribed to {@code offset.storage.topic}; each partition of that topic is a
 * slot, handed out by the group's round-robin assignor, so a worker joining or dying moves slots
 * exactly as a rebalance moves partitions. A connector runs in slot {@code hash(name) mod n}, its
 * task {@code i} in the {@code i+1}-th slot after it, so a connector's tasks spread over the
 * workers. Every worker computes the same placement from the name alone. Stateless; any thread.
 */
final class Slots {
    private Slots() {
    }

    static int ofConnector(String name, int slots) {
        return Math.floorMod(name.hashCode(), slots);
    }

    static int ofTask(ConnectorTaskId id, int slots) {
        return Math.floorMod(ofConnector(id.connector(), slots) + 1 + id.task(), slots);
    }
}
