package dev.sluice.broker.metrics;

import dev.sluice.broker.network.NetworkRequest;
import dev.sluice.broker.network.RequestObserver;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Kafka's request metrics ({@code kafka.network:type=RequestMetrics}), per request kind: the API's
 * name, with Fetch split as Kafka splits it into FetchConsumer and FetchFollower (and counted as
 * Fetch too). RequestsPerSec per version, ErrorsPerSec per error code (every ErrorCode in the
 * response, NONE included, per API: Fetch's under Fetch, as Kafka counts them), and the time split: RequestQueueTimeMs (received
 * to taken by a handler), LocalTimeMs (the handler's own work), RemoteTimeMs (waiting in purgatory:
 * acks=all, long-poll fetches, joins), ResponseQueueTimeMs (completed to taken by the network
 * thread), ResponseSendTimeMs (writing it) and TotalTimeMs. A kind's metrics are created at its
 * first request (so the endpoint lists the APIs in use, not all 70).
 *
 * <p>Threads: {@link #requestDone} on the network threads, {@link #countErrors} on whichever
 * thread completes the request; both are lock-free after a kind's first request.
 */
public final class RequestMetrics implements RequestObserver {
    private static final int MAX_API = maxApiId();
    /** Kinds past the API keys: Fetch from consumers and from followers. */
    public static final int FETCH_CONSUMER = MAX_API + 1;
    public static final int FETCH_FOLLOWER = MAX_API + 2;
    private static final int MAX_VERSION = 32;
    private static final int MIN_ERROR = -1;

    private final MetricRegistry registry;
    private final ErrorCounts errorCounts = new ErrorCounts();
    private final AtomicReferenceArray<Kind> kinds = new AtomicReferenceArray<>(FETCH_FOLLOWER + 1);

    public RequestMetrics(MetricRegistry registry) {
        this.registry = registry;
    }

    private static int maxApiId() {
        int max = 0;
        for (ApiKey k : ApiKey.values()) {
            max = Math.max(max, k.id());
        }
        return max;
    }

    /** The kind a request is counted as: its API key, or for Fetch whether a consumer or a follower sent it. */
    public static int kindOf(ApiKey api, Struct body, short version) {
        if (api != ApiKey.FETCH) {
            return api.id();
        }
        int replicaId = version >= 15 ? body.getStruct("ReplicaState").getInt("ReplicaId") : body.getInt("ReplicaId");
        return replicaId >= 0 ? FETCH_FOLLOWER : FETCH_CONSUMER;
    }

    static String kindName(int kind) {
        if (kind == FETCH_CONSUMER) {
            return "FetchConsumer";
        }
        if (kind == FETCH_FOLLOWER) {
            return "FetchFollower";
        }
        ApiKey api = ApiKey.forId(kind);
        return api == null ? "Unknown" + kind : api.apiName();
    }

    /** The metrics of one request kind. */
    private final class Kind implements ErrorCounts.Sink {
        final String name;
        final AtomicReferenceArray<Meter> requests = new AtomicReferenceArray<>(MAX_VERSION);
        final AtomicReferenceArray<Meter> errors = new AtomicReferenceArray<>(256);
        final LatencyHistogram queue;
        final LatencyHistogram local;
        final LatencyHistogram remote;
        final LatencyHistogram responseQueue;
        final LatencyHistogram responseSend;
        final LatencyHistogram total;

        Kind(String name) {
            this.name = name;
            queue = histogram("RequestQueueTimeMs", "time a request waits for a request handler");
            local = histogram("LocalTimeMs", "time a request handler works on the request");
            remote = histogram("RemoteTimeMs", "time a request waits in purgatory (acks=all, long-poll fetches, joins)");
            responseQueue = histogram("ResponseQueueTimeMs", "time a response waits for its network thread");
            responseSend = histogram("ResponseSendTimeMs", "time sending the response takes");
            total = histogram("TotalTimeMs", "time from the request's last byte to the response's last byte");
        }

        private LatencyHistogram histogram(String metric, String help) {
            return registry.histogram(MetricName.of("kafka.network", "RequestMetrics", metric, "request", name), help);
        }

        Meter requests(short version) {
            int v = Math.max(0, Math.min(MAX_VERSION - 1, version));
            Meter m = requests.get(v);
            if (m == null) {
                m = registry.meter(MetricName.of("kafka.network", "RequestMetrics", "RequestsPerSec", "request", name,
                        "version", Integer.toString(v)), "requests handled", "requests");
                requests.set(v, m); // the registry hands out one meter per name: a racing set stores the same one
            }
            return m;
        }

        Meter errors(short code) {
            int slot = Math.max(0, Math.min(errors.length() - 1, code - MIN_ERROR));
            Meter m = errors.get(slot);
            if (m == null) {
                Errors error = Errors.forCode(code);
                String errorName = error != null ? error.name() : "UNKNOWN_" + code;
                m = registry.meter(MetricName.of("kafka.network", "RequestMetrics", "ErrorsPerSec", "request", name,
                        "error", errorName), "error codes in responses (NONE included)", "errors");
                errors.set(slot, m);
            }
            return m;
        }

        @Override
        public void error(short code) {
            errors(code).mark();
        }

        void record(NetworkRequest r, long endNanos) {
            requests(r.version()).mark();
            long localDone = r.localDoneNanos();
            queue.record(r.dequeuedNanos() - r.receivedNanos());
            local.record(localDone - r.dequeuedNanos());
            remote.record(r.completedNanos() - localDone);
            responseQueue.record(r.responseDequeuedNanos() - r.completedNanos());
            responseSend.record(endNanos - r.responseDequeuedNanos());
            total.record(endNanos - r.receivedNanos());
        }
    }

    private Kind kind(int kind) {
        if (kind < 0 || kind >= kinds.length()) {
            return null;
        }
        Kind k = kinds.get(kind);
        if (k == null) {
            synchronized (this) { // a kind's first request only
                k = kinds.get(kind);
                if (k == null) {
                    k = new Kind(kindName(kind));
                    kinds.set(kind, k);
                }
            }
        }
        return k;
    }

    @Override
    public void requestDone(NetworkRequest request, long endNanos) {
        Kind k = kind(request.kind());
        if (k == null) {
            return; // never tagged: unreadable, refused before a handler knew what it was
        }
        k.record(request, endNanos);
        if (request.kind() == FETCH_CONSUMER || request.kind() == FETCH_FOLLOWER) {
            kind(ApiKey.FETCH.id()).record(request, endNanos); // Kafka counts both names
        }
    }

    /** Counts the error codes of a response of that kind (Fetch's under Fetch, as Kafka counts them per API). */
    public void countErrors(int kind, Struct response) {
        Kind k = kind(kind == FETCH_CONSUMER || kind == FETCH_FOLLOWER ? ApiKey.FETCH.id() : kind);
        if (k != null) {
            errorCounts.walk(response, k);
        }
    }
}
