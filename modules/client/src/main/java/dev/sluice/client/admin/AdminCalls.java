package dev.sluice.client.admin;

import dev.sluice.client.ClientClosedException;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.metadata.Cluster;
import dev.sluice.client.metadata.Metadata;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.client.network.RequestBuilder;
import dev.sluice.client.network.Response;
import dev.sluice.protocol.ApiKey;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs one admin request with retries: retriable failures (disconnects, NOT_CONTROLLER, ...)
 * refresh metadata and try again after {@code retry.backoff.ms}, until the operation's
 * {@code default.api.timeout.ms} budget is spent. Retries are scheduled on the I/O thread's
 * {@link NetworkClient#execute}, so no extra threads exist.
 */
final class AdminCalls {
    enum Target { ANY, CONTROLLER }

    private final NetworkClient network;
    private final Metadata metadata;
    private final long timeoutMs;
    private volatile boolean closed;

    AdminCalls(NetworkClient network, Metadata metadata, long timeoutMs) {
        this.network = network;
        this.metadata = metadata;
        this.timeoutMs = timeoutMs;
    }

    <T> CompletableFuture<T> call(ApiKey api, Target target, RequestBuilder builder, Function<Response, T> handler) {
        return call(api, () -> pick(target), builder, handler);
    }

    /** Sends to one known broker, e.g. a group's coordinator or a partition's leader. */
    <T> CompletableFuture<T> callNode(ApiKey api, Node node, RequestBuilder builder, Function<Response, T> handler) {
        return call(api, () -> network.backingOff(node) ? null : node, builder, handler);
    }

    /** {@code chooser} runs on the I/O thread before each attempt; null means "none usable now". */
    private <T> CompletableFuture<T> call(ApiKey api, Supplier<Node> chooser, RequestBuilder builder,
                                          Function<Response, T> handler) {
        CompletableFuture<T> result = new CompletableFuture<>();
        long deadline = network.clockMs() + timeoutMs;
        try {
            network.execute(() -> attempt(result, deadline, api, chooser, builder, handler)); // node choice is I/O-thread state
        } catch (ClientClosedException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private <T> void attempt(CompletableFuture<T> result, long deadline, ApiKey api, Supplier<Node> chooser,
                             RequestBuilder builder, Function<Response, T> handler) {
        if (closed) {
            result.completeExceptionally(new ClientClosedException("admin client is closed"));
            return;
        }
        Node node = chooser.get();
        if (node == null) {
            retryLater(result, deadline, api, chooser, builder, handler, new TimeoutException("no broker reachable"));
            return;
        }
        network.send(node, api, builder).whenComplete((response, error) -> {
            Throwable failure = error;
            if (failure == null) {
                try {
                    result.complete(handler.apply(response));
                    return;
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof SluiceClientException s && s.isRetriable()) {
                metadata.requestUpdate();
                retryLater(result, deadline, api, chooser, builder, handler, s);
            } else {
                result.completeExceptionally(cause);
            }
        });
    }

    private <T> void retryLater(CompletableFuture<T> result, long deadline, ApiKey api, Supplier<Node> chooser,
                                RequestBuilder builder, Function<Response, T> handler, SluiceClientException last) {
        long backoff = network.config().retryBackoffMs();
        if (network.clockMs() + backoff >= deadline) {
            result.completeExceptionally(new TimeoutException(api.apiName() + " did not succeed within "
                    + "default.api.timeout.ms=" + timeoutMs + ": " + last.getMessage()));
            return;
        }
        long at = network.clockMs() + backoff;
        // a one-shot ticker: runs on the I/O thread once the backoff has passed
        network.addTicker(new NetworkClient.Ticker() {
            private boolean done;

            @Override
            public long tick(long now) {
                if (done) {
                    return Long.MAX_VALUE;
                }
                if (now < at) {
                    return at - now;
                }
                done = true;
                network.removeTicker(this);
                attempt(result, deadline, api, chooser, builder, handler);
                return Long.MAX_VALUE;
            }
        });
        network.wakeup();
    }

    private Node pick(Target target) {
        Cluster cluster = metadata.cluster();
        if (target == Target.CONTROLLER) {
            Node controller = cluster.node(cluster.controllerId());
            if (controller != null && !network.backingOff(controller)) {
                return controller;
            }
        }
        return network.leastLoaded(metadata.knownNodes());
    }

    void close() {
        closed = true;
    }
}
