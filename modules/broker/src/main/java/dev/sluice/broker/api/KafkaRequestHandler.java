package dev.sluice.broker.api;

import dev.sluice.broker.network.NetworkRequest;
import dev.sluice.broker.network.RequestHandler;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.ProtocolException;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.RequestParser;
import dev.sluice.protocol.ResponseWriter;
import dev.sluice.protocol.UnsupportedVersionException;
import dev.sluice.protocol.message.Struct;

/**
 * Parses a request frame and routes it to its API handler. A request this broker cannot read
 * closes the connection with a logged reason, as Kafka does — except ApiVersions, which is
 * answered at version 0 with UNSUPPORTED_VERSION and the supported ranges, so the client can
 * retry with a version both sides know.
 */
public final class KafkaRequestHandler implements RequestHandler {
    private static final System.Logger LOG = System.getLogger(KafkaRequestHandler.class.getName());

    private final ApiRouter router;

    public KafkaRequestHandler(ApiRouter router) {
        this.router = router;
    }

    @Override
    public void handle(NetworkRequest network) {
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
        handler.handle(new Context(network, request));
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

    /** Binds a parsed request to its network completion. */
    private record Context(NetworkRequest network, Request request) implements RequestContext {
        @Override
        public void respond(Struct response) {
            network.respond(ResponseWriter.write(request.header(), response));
        }

        @Override
        public String clientHost() {
            java.net.InetSocketAddress remote = network.remoteAddress();
            return remote == null || remote.getAddress() == null ? "" : "/" + remote.getAddress().getHostAddress();
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
}
