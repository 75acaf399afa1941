package dev.sluice.broker.security.sasl;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.broker.network.NetworkRequest;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.ResponseWriter;
import dev.sluice.protocol.message.Struct;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The login in front of every handler on SASL listeners ({@link #admit}): before a successful login
 * only ApiVersions, SaslHandshake and SaslAuthenticate pass, anything else closes the connection (as
 * Kafka: "Unexpected Kafka request ... during SASL handshake"); after it the connection carries the
 * user's principal ({@link NetworkRequest#authenticatedAs}) until its session ends
 * ({@code connections.max.reauth.ms}, KIP-152), after which any request but a re-authentication closes
 * it. A failed login is answered SASL_AUTHENTICATION_FAILED with the reason after
 * {@code connection.failed.authentication.delay.ms} (slowing password guessing, as Kafka does), on the
 * scheduler's thread; the connection's next request closes it. Listeners without SASL pass everything.
 *
 * <p>Threads: request-handler threads (one request of a connection at a time); the delayed failures on
 * the given scheduler's thread.
 */
public final class SaslAuthentication {
    private static final System.Logger LOG = System.getLogger(SaslAuthentication.class.getName());

    private final SaslSettings settings;
    private final ScramCredentialStore credentials;
    private final Time time;
    private final Scheduler delays;

    /**
     * @param credentials SCRAM credentials (null: SCRAM logins fail as unknown users)
     * @param delays      where failed logins wait before their answer
     */
    public SaslAuthentication(SaslSettings settings, ScramCredentialStore credentials, Time time, Scheduler delays) {
        this.settings = settings;
        this.credentials = credentials;
        this.time = time;
        this.delays = delays;
    }

    public SaslSettings settings() {
        return settings;
    }

    /**
     * Decides about one parsed request: true if its handler may run; false if this class answered it
     * (SaslHandshake, SaslAuthenticate) or closed the connection.
     */
    public boolean admit(NetworkRequest network, Request request) {
        if (!network.securityProtocol().usesSasl()) {
            return true; // not a SASL listener: the SASL APIs reach their handlers, which refuse them
        }
        SaslAuthenticator auth = (SaslAuthenticator) network.authentication();
        if (auth == null) { // the connection's first request: its listener's login settings, looked up once
            SaslSettings.ListenerSasl listener = settings.listener(network.listenerName()).orElseThrow(
                    () -> new IllegalStateException("no SASL settings for listener " + network.listenerName()));
            auth = new SaslAuthenticator(listener, credentials == null ? (u, m) -> null : credentials::credential);
            network.authentication(auth);
        }
        long now = time.milliseconds();
        if (auth.state() == SaslAuthenticator.State.FAILED) {
            close(network, "after a failed SASL login");
            return false;
        }
        // KIP-152: a session that ran out without re-authenticating. Judged at the frame's arrival, as
        // Kafka's network thread does, not now: a request sent in time must not fail for having waited
        // in the request queue (a loaded broker closed in-time clients' connections).
        long receivedMs = now - TimeUnit.NANOSECONDS.toMillis(time.nanoseconds() - network.receivedNanos());
        if (auth.expired(receivedMs)) {
            close(network, "its SASL session expired (connections.max.reauth.ms) without re-authentication");
            return false;
        }
        ApiKey api = request.api();
        switch (api) {
            case SASL_HANDSHAKE -> {
                handshake(network, request, auth);
                return false;
            }
            case SASL_AUTHENTICATE -> {
                authenticate(network, request, auth, now);
                return false;
            }
            case API_VERSIONS -> {
                return true;
            }
            default -> {
                if (auth.authenticated(now)) {
                    return true;
                }
                auth.fail();
                close(network, "Unexpected Kafka request of type " + api.apiName() + " during SASL handshake");
                return false;
            }
        }
    }

    /**
     * After a SaslHandshake v0 the client's next frames are bare SASL tokens, each answered by a bare
     * size-prefixed token (Kafka before KIP-152's SaslAuthenticate): true if {@code network} was one, and
     * it is handled (a failure closes the connection after the delay: v0 has no way to say why).
     */
    public boolean handleRawToken(NetworkRequest network) {
        if (!(network.authentication() instanceof SaslAuthenticator auth) || !auth.expectsRawToken()) {
            return false;
        }
        ByteBuffer payload = network.payload();
        byte[] token = new byte[payload.remaining()];
        payload.duplicate().get(token);
        SaslStep step = auth.authenticate(token, time.milliseconds());
        if (step instanceof SaslStep.Challenge c) {
            network.respond(rawFrame(c.token()));
        } else if (step instanceof SaslStep.Success s) {
            network.authenticatedAs(auth.principal());
            network.respond(rawFrame(s.token()));
        } else if (step instanceof SaslStep.Failure f) {
            LOG.log(System.Logger.Level.INFO, () -> "Failed authentication with " + network.remoteAddress()
                    + " (" + f.message() + ")");
            if (settings.failedAuthDelayMs() <= 0) {
                network.closeConnection();
            } else {
                delays.schedule(network::closeConnection, settings.failedAuthDelayMs());
            }
        }
        return true;
    }

    private static dev.sluice.protocol.Send rawFrame(byte[] token) {
        ByteBuffer frame = ByteBuffer.allocate(4 + token.length).putInt(token.length).put(token).flip();
        return dev.sluice.protocol.Send.of(frame);
    }

    private void handshake(NetworkRequest network, Request request, SaslAuthenticator auth) {
        String mechanism = request.body().getString("Mechanism");
        SaslAuthenticator.HandshakeOutcome outcome = auth.handshake(mechanism == null ? "" : mechanism, request.version());
        Struct response = request.newResponse().set("Mechanisms",
                new java.util.ArrayList<>(settings.listener(network.listenerName()).orElseThrow().mechanisms()));
        if (outcome instanceof SaslAuthenticator.HandshakeOutcome.Accepted) {
            response.set("ErrorCode", Errors.NONE.code());
        } else if (outcome instanceof SaslAuthenticator.HandshakeOutcome.Unsupported) {
            LOG.log(System.Logger.Level.INFO, () -> "Failed authentication with " + network.remoteAddress()
                    + ": unsupported SASL mechanism " + mechanism);
            response.set("ErrorCode", Errors.UNSUPPORTED_SASL_MECHANISM.code());
        } else if (outcome instanceof SaslAuthenticator.HandshakeOutcome.Illegal illegal) {
            LOG.log(System.Logger.Level.INFO, () -> "Failed authentication with " + network.remoteAddress()
                    + ": " + illegal.message());
            response.set("ErrorCode", Errors.ILLEGAL_SASL_STATE.code());
        }
        network.respond(ResponseWriter.write(request.header(), response));
    }

    private void authenticate(NetworkRequest network, Request request, SaslAuthenticator auth, long now) {
        ByteBuffer bytes = request.body().getBytes("AuthBytes");
        byte[] token = new byte[bytes == null ? 0 : bytes.remaining()];
        if (bytes != null) {
            bytes.duplicate().get(token);
        }
        boolean reauthentication = auth.state() == SaslAuthenticator.State.REAUTHENTICATING;
        SaslStep step = auth.authenticate(token, now);
        Struct response = request.newResponse().set("ErrorCode", Errors.NONE.code());
        if (step == null) {
            auth.fail();
            String state = auth.principal() != null ? "after successful authentication" : "before SaslHandshake";
            network.respond(ResponseWriter.write(request.header(), response.set("ErrorCode", Errors.ILLEGAL_SASL_STATE.code())
                    .set("ErrorMessage", "SaslAuthenticate request received " + state).set("AuthBytes", ByteBuffer.allocate(0))));
            return;
        }
        if (step instanceof SaslStep.Challenge c) {
            network.respond(ResponseWriter.write(request.header(), response.set("AuthBytes", ByteBuffer.wrap(c.token()))));
        } else if (step instanceof SaslStep.Success s) {
            network.authenticatedAs(auth.principal());
            if (request.version() >= 1) {
                response.set("SessionLifetimeMs", auth.sessionLifetimeMs());
            }
            LOG.log(System.Logger.Level.DEBUG, () -> (reauthentication ? "re-authenticated " : "authenticated ")
                    + auth.principal() + " with " + auth.mechanism() + " from " + network.remoteAddress());
            network.respond(ResponseWriter.write(request.header(), response.set("AuthBytes", ByteBuffer.wrap(s.token()))));
        } else if (step instanceof SaslStep.Failure f) {
            LOG.log(System.Logger.Level.INFO, () -> "Failed authentication with " + network.remoteAddress()
                    + " (" + f.message() + ")");
            response.set("ErrorCode", Errors.SASL_AUTHENTICATION_FAILED.code()).set("ErrorMessage", f.message())
                    .set("AuthBytes", ByteBuffer.allocate(0));
            var send = ResponseWriter.write(request.header(), response);
            if (settings.failedAuthDelayMs() <= 0) {
                network.respond(send);
            } else {
                delays.schedule(() -> network.respond(send), settings.failedAuthDelayMs());
            }
        }
    }

    private static void close(NetworkRequest network, String reason) {
        LOG.log(System.Logger.Level.INFO, () -> "closing connection from " + network.remoteAddress() + " on "
                + network.listenerName() + ": " + reason);
        network.closeConnection();
    }
}
