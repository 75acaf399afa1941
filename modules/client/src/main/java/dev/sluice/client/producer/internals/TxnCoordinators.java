package dev.sluice.client.producer.internals;

import dev.sluice.client.network.Node;

import java.util.HashMap;
import java.util.Map;

/**
 * The coordinators a transactional producer talks to, as FindCoordinator last named them: the
 * transaction coordinator of its transactional.id and the group coordinator of each group it sends
 * offsets for. A coordinator is forgotten when a request to it fails in a way that says it moved.
 *
 * <p>Threads: guarded by the owning {@link TransactionManager}'s monitor.
 */
final class TxnCoordinators {
    private Node transactionCoordinator;
    private final Map<String, Node> groupCoordinators = new HashMap<>();

    /** The coordinator {@code call} goes to, or null if it must be looked up first. */
    Node of(TxnCall call) {
        return call.coordinatorType() == TxnRequests.TRANSACTION ? transactionCoordinator
                : groupCoordinators.get(call.coordinatorKey());
    }

    void found(TxnCall call, Node node) {
        if (call.coordinatorType() == TxnRequests.TRANSACTION) {
            transactionCoordinator = node;
        } else {
            groupCoordinators.put(call.coordinatorKey(), node);
        }
    }

    void forget(TxnCall call) {
        if (call.coordinatorType() == TxnRequests.TRANSACTION) {
            transactionCoordinator = null;
        } else {
            groupCoordinators.remove(call.coordinatorKey());
        }
    }
}
