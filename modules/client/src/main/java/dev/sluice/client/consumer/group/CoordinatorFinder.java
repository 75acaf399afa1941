package dev.sluice.client.consumer.group;

import dev.sluice.client.SluiceClientException;
import dev.sluice.client.RetriableException;
import dev.sluice.client.metadata.Metadata;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.client.network.Response;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Finds the group's coordinator with FindCoordinator (v0-3 one key, v4+ a batch of one) and
 * remembers it until a request fails with NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE or a
 * disconnect.
 *
 * <p>The coordinator gets its own connection: its node id is {@code Integer.MAX_VALUE - id} (as
 * kafka-clients does), because a JoinGroup parks on the broker for a whole rebalance and the
 * broker answers a connection's requests in order — fetches must not wait behind it.
 */
final class CoordinatorFinder {
    private static final System.Logger LOG = System.getLogger(CoordinatorFinder.class.getName());

    private final String groupId;
    private final NetworkClient network;
    private final Metadata metadata;
    private volatile Node coordinator;
    private CompletableFuture<Node> pending; // guarded by this

    CoordinatorFinder(String groupId, NetworkClient network, Metadata metadata) {
        this.groupId = groupId;
        this.network = network;
        this.metadata = metadata;
        network.onDisconnect(node -> {
            if (node.equals(coordinator)) {
                markUnknown("disconnected");
            }
        });
    }

    /** The coordinator, or null while unknown. */
    Node coordinator() {
        return coordinator;
    }

    void markUnknown(String why) {
        Node was = coordinator;
        if (was != null) {
            coordinator = null;
            LOG.log(System.Logger.Level.DEBUG, () -> "group " + groupId + " coordinator " + was + " unknown: " + why);
        }
    }

    /** Starts a lookup unless one is running; completes with the coordinator or the failure. */
    synchronized CompletableFuture<Node> lookup() {
        if (pending != null && !pending.isDone()) {
            return pending;
        }
        CompletableFuture<Node> result = new CompletableFuture<>();
        pending = result;
        network.execute(() -> { // leastLoaded reads connection state: I/O thread only
            Node via = network.leastLoaded(metadata.knownNodes());
            if (via == null) {
                result.completeExceptionally(new RetriableException("no broker to ask for the coordinator"));
                return;
            }
            network.send(via, ApiKey.FIND_COORDINATOR, this::request).whenComplete((response, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    found(response, result);
                }
            });
        });
        return result;
    }

    /** The known coordinator at once, else a lookup. */
    CompletableFuture<Node> lookupIfUnknown() {
        Node known = coordinator;
        return known != null ? CompletableFuture.completedFuture(known) : lookup();
    }

    private Struct request(short version) {
        Struct body = ApiKey.FIND_COORDINATOR.newRequest();
        if (version >= 1) {
            body.set("KeyType", (byte) 0);
        }
        if (version >= 4) {
            body.set("CoordinatorKeys", java.util.List.of(groupId));
        } else {
            body.set("Key", groupId);
        }
        return body;
    }

    private void found(Response response, CompletableFuture<Node> result) {
        Struct entry = response.version() >= 4 ? response.body().getArray("Coordinators").get(0) : response.body();
        short error = entry.getShort("ErrorCode");
        if (error != 0) {
            result.completeExceptionally(ErrorMapper.toException(error, "FindCoordinator for group " + groupId));
            return;
        }
        Node node = new Node(Integer.MAX_VALUE - entry.getInt("NodeId"), entry.getString("Host"), entry.getInt("Port"));
        coordinator = node;
        result.complete(node);
    }

    /**
     * The coordinator, looking it up (and retrying retriable failures) until {@code deadlineMs};
     * null if it is not known by then.
     */
    Node await(long deadlineMs) {
        while (true) {
            Node known = coordinator;
            if (known != null) {
                return known;
            }
            long left = deadlineMs - network.clockMs();
            if (left <= 0) {
                return null;
            }
            try {
                return lookup().get(left, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SluiceClientException s && !s.isRetriable()) {
                    throw s;
                }
                LOG.log(System.Logger.Level.DEBUG, () -> "coordinator lookup failed: " + cause.getMessage());
                Groups.sleepUntil(network, Math.min(deadlineMs, network.clockMs() + network.config().retryBackoffMs()));
            } catch (java.util.concurrent.TimeoutException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SluiceClientException("interrupted", e);
            }
        }
    }
}
