package dev.sluice.broker.api;

import dev.sluice.api.Time;
import dev.sluice.api.security.AuthorizableRequest;
import dev.sluice.api.security.KafkaPrincipal;
import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.broker.metrics.RequestMetrics;
import dev.sluice.broker.network.NetworkRequest;
import dev.sluice.broker.network.RequestHandler;
import dev.sluice.broker.quota.ClientQuotaManager;
import dev.sluice.broker.quota.QuotaType;
import dev.sluice.broker.security.sasl.SaslAuthentication;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.ProtocolException;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.RequestParser;
import dev.sluice.protocol.ResponseWriter;
import dev.sluice.protocol.Send;
import dev.sluice.protocol.UnsupportedVersionException;
import dev.sluice.protocol.message.Struct;

/**
 * Parses a request frame and routes it to its API handler. A request this broker cannot read
 * closes the connection with a logged reason, as Kafka does — except ApiVersions, which is
 * answered at version 0 with UNSUPPORTED_VERSION and the supported ranges, so the client can
 * retry with a version both sides know.
 *
 * <p>With client quotas set, each answer is accounted to its client ({@link ClientQuotaManager}):
 * a client over its quota gets the throttle time in the response's {@code ThrottleTimeMs} and its
 * connection is not read that long. Runs on request-handler threads; a context completes on
 * whichever thread answers.
 */
public final class KafkaRequestHandler implements RequestHandler {
    private static final System.Logger LOG = System.getLogger(KafkaRequestHandler.class.getName());

    private final ApiRouter router;
    private final ClientQuotaManager quotas;
    private final Time time;
    private final RequestMetrics metrics;
    /** The login on SASL listeners; null when no listener uses SASL. */
    private final SaslAuthentication sasl;

    public KafkaRequestHandler(ApiRouter router) {
        this(router, null, Time.SYSTEM, null);
    }

    /** @param quotas the client quotas to enforce, or null for none */
    public KafkaRequestHandler(ApiRouter router, ClientQuotaManager quotas, Time time) {
        this(router, quotas, time, null);
    }

    /**
     * @param quotas  the client quotas to enforce, or null for none
     * @param metrics told what each request is and which errors its response carries; null for none
     */
    public KafkaRequestHandler(ApiRouter router, ClientQuotaManager quotas, Time time, RequestMetrics metrics) {
        this(router, quotas, time, metrics, null);
    }

    /** @param sasl the login in front of the handlers on SASL listeners, null if none */
    public KafkaRequestHandler(ApiRouter router, ClientQuotaManager quotas, Time time, RequestMetrics metrics,
                               SaslAuthentication sasl) {
        this.router = router;
        this.quotas = quotas;
        this.time = time;
        this.metrics = metrics;
        this.sasl = sasl;
    }

    @Override
    public void handle(NetworkRequest network) {
        int frameSize = network.payload().limit();
        if (sasl != null && sasl.handleRawToken(network)) {
            return; // a bare SASL token after SaslHandshake v0, not a Kafka request
        }
        Request request;
        try {
            request = RequestParser.parse(network.payload());
        } catch (UnsupportedVersionException e) {
            refuse(network, e.header(), e.getMessage());
            return;
        } catch (ProtocolException e) {
            LOG.log(System.Logger.Level.WARNING, "closing connection from " + network.remoteAddress()
                    + ": malformed request: " + e.getMessage());
            network.closeConnection();
            return;
        }
        ApiHandler handler = router.handler(request.api(), request.version());
        if (handler == null) {
            refuse(network, request.header(), request.api().apiName() + " v" + request.version() + " is not supported");
            return;
        }
        if (metrics != null) {
            network.tag(RequestMetrics.kindOf(request.api(), request.body(), request.version()), request.version());
        }
        if (sasl != null && !sasl.admit(network, request)) {
            return; // answered (a SASL step) or closed (not logged in)
        }
        if (quotas == null || !quotas.active()) {
            handler.handle(new Context(network, request, metrics));
            return;
        }
        ThrottledContext context = new ThrottledContext(network, request, frameSize, time.nanoseconds());
        handler.handle(context);
        context.returnedNanos = time.nanoseconds();
    }

    private void refuse(NetworkRequest network, RequestHeader header, String reason) {
        if (header != null && header.apiKey() == ApiKey.API_VERSIONS.id()) {
            Struct response = ApiKey.API_VERSIONS.newResponse();
            router.cluster().fillApiVersions(response, Errors.UNSUPPORTED_VERSION);
            network.respond(ResponseWriter.write(ApiKey.API_VERSIONS, (short) 0, header.correlationId(), response));
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "closing connection from " + network.remoteAddress()
                + (header == null ? "" : " (client " + header.clientId() + ")") + ": " + reason);
        network.closeConnection();
    }

    /**
     * Binds a parsed request to its network completion; who sent it (principal, listener, security protocol,
     * host) is read from the connection. Completed from any thread.
     */
    private static class Context implements RequestContext {
        final NetworkRequest network;
        final Request request;
        private final RequestMetrics metrics;

        Context(NetworkRequest network, Request request, RequestMetrics metrics) {
            this.network = network;
            this.request = request;
            this.metrics = metrics;
        }

        @Override
        public Request request() {
            return request;
        }

        @Override
        public KafkaPrincipal principal() {
            return network.principal();
        }

        @Override
        public AuthorizableRequest authorizable() {
            return network.authorizable(clientId());
        }

        @Override
        public String listenerName() {
            return network.listenerName();
        }

        @Override
        public SecurityProtocol securityProtocol() {
            return network.securityProtocol();
        }

        @Override
        public String clientHost() {
            return network.clientHost();
        }

        @Override
        public final void respond(Struct response) {
            if (metrics != null) {
                metrics.countErrors(network.kind(), response);
            }
            send(response);
        }

        /** Encodes the response and hands it to the network. */
        void send(Struct response) {
            network.respond(ResponseWriter.write(request.header(), response));
        }

        @Override
        public void respondNothing() {
            network.respondNothing();
        }

        @Override
        public void closeConnection(String reason) {
            LOG.log(System.Logger.Level.DEBUG, () -> "closing connection from " + network.remoteAddress() + ": " + reason);
            network.closeConnection();
        }
    }

    /**
     * A request of a client measured against quotas: produce bytes (the request's size), fetch bytes
     * (the response's size) and handler time (until the answer, or until the handler returned if it
     * answers later). Exempt, as in Kafka: ApiVersions, the inter-broker APIs and followers' fetches.
     */
    private final class ThrottledContext extends Context {
        private final int frameSize;
        private final long startNanos;
        volatile long returnedNanos;

        ThrottledContext(NetworkRequest network, Request request, int frameSize, long startNanos) {
            super(network, request, metrics);
            this.frameSize = frameSize;
            this.startNanos = startNanos;
        }

        @Override
        void send(Struct response) {
            Send send = ResponseWriter.write(request.header(), response);
            long throttleMs = throttleMs(request.api() == ApiKey.FETCH ? send.size() : 0);
            if (throttleMs > 0 && response.schema().hasField("ThrottleTimeMs")) {
                response.set("ThrottleTimeMs", (int) Math.min(throttleMs, Integer.MAX_VALUE));
                send = ResponseWriter.write(request.header(), response); // only when throttled: a second encoding
            }
            network.respond(send, throttleMs);
        }

        @Override
        public void respondNothing() {
            network.respondNothing(throttleMs(0));
        }

        private long throttleMs(long responseBytes) {
            ApiKey api = request.api();
            if (api == ApiKey.API_VERSIONS || api.isInterBroker() || (api == ApiKey.FETCH && followerFetch())) {
                return 0;
            }
            long nowNanos = time.nanoseconds();
            long nowMs = time.milliseconds();
            String clientId = clientId();
            String user = principal().name(); // Kafka's user quotas: the connection's principal (ANONYMOUS unauthenticated)
            long returned = returnedNanos;
            double handlerMs = ((returned != 0 ? returned : nowNanos) - startNanos) / 1e6;
            long throttle = quotas.recordAndThrottleMs(QuotaType.REQUEST, user, clientId, handlerMs, nowMs);
            if (api == ApiKey.PRODUCE) {
                throttle = Math.max(throttle, quotas.recordAndThrottleMs(QuotaType.PRODUCE, user, clientId, frameSize, nowMs));
            } else if (api == ApiKey.FETCH) {
                throttle = Math.max(throttle, quotas.recordAndThrottleMs(QuotaType.FETCH, user, clientId, responseBytes, nowMs));
            }
            return throttle;
        }

        private boolean followerFetch() {
            Struct body = request.body();
            int replicaId = request.version() >= 15 ? body.getStruct(FetchFields.REPLICA_STATE).getInt(FetchFields.STATE_REPLICA_ID)
                    : body.getInt(FetchFields.REPLICA_ID);
            return replicaId >= 0;
        }
    }
}
