package dev.sluice.broker.security.sasl;

import dev.sluice.api.security.KafkaPrincipal;
import dev.sluice.protocol.sasl.ScramMechanism;

import java.util.function.BiFunction;

/**
 * One connection's login on a SASL listener, as Kafka's {@code SaslServerAuthenticator} sees it with
 * SaslHandshake v1 and SaslAuthenticate: HANDSHAKE (nothing but ApiVersions and SaslHandshake) →
 * AUTHENTICATING (SaslAuthenticate tokens of the chosen mechanism) → AUTHENTICATED (every API, until
 * the session expires: KIP-152) → a new SaslHandshake of the same mechanism re-authenticates
 * (REAUTHENTICATING, the principal may not change) → AUTHENTICATED again. A failed login is FAILED:
 * its answer goes out after the delay, anything after it closes the connection.
 *
 * <p>Threads: request-handler threads, one request of the connection at a time (the network layer
 * hands a connection's next request over only after the previous one returned or completed), which
 * also publishes the fields between those threads.
 */
final class SaslAuthenticator {
    enum State { HANDSHAKE, AUTHENTICATING, AUTHENTICATED, REAUTHENTICATING, FAILED }

    /** What a SaslHandshake did. */
    sealed interface HandshakeOutcome {
        record Accepted() implements HandshakeOutcome {
        }

        /** UNSUPPORTED_SASL_MECHANISM: answered with the enabled mechanisms, then the connection goes. */
        record Unsupported() implements HandshakeOutcome {
        }

        /** ILLEGAL_SASL_STATE: answered with {@code message}, then the connection goes. */
        record Illegal(String message) implements HandshakeOutcome {
        }
    }

    private final SaslSettings.ListenerSasl listener;
    private final BiFunction<String, ScramMechanism, ScramCredential> credentials;
    private State state = State.HANDSHAKE;
    private String mechanism;
    private SaslServerMechanism exchange;
    private KafkaPrincipal principal;
    private long sessionExpiresAtMs; // 0: never (connections.max.reauth.ms unset)
    private boolean rawTokens;       // after a SaslHandshake v0: tokens come as bare size-prefixed frames

    SaslAuthenticator(SaslSettings.ListenerSasl listener, BiFunction<String, ScramMechanism, ScramCredential> credentials) {
        this.listener = listener;
        this.credentials = credentials;
    }

    State state() {
        return state;
    }

    /** True once logged in and the session (if it has a lifetime) not yet over at {@code nowMs}. */
    boolean authenticated(long nowMs) {
        return (state == State.AUTHENTICATED || state == State.REAUTHENTICATING) && !expired(nowMs);
    }

    boolean expired(long nowMs) {
        return principal != null && sessionExpiresAtMs != 0 && nowMs >= sessionExpiresAtMs;
    }

    /** @param version the SaslHandshake version: 0 means the tokens follow as bare frames, without SaslAuthenticate */
    HandshakeOutcome handshake(String requested, short version) {
        switch (state) {
            case HANDSHAKE -> {
                if (!listener.mechanisms().contains(requested)) {
                    state = State.FAILED;
                    return new HandshakeOutcome.Unsupported();
                }
                mechanism = requested;
                exchange = newExchange(requested);
                state = State.AUTHENTICATING;
                rawTokens = version == 0;
                return new HandshakeOutcome.Accepted();
            }
            case AUTHENTICATED -> { // KIP-152: re-authentication on the same connection, same mechanism
                if (version == 0) {
                    state = State.FAILED;
                    return new HandshakeOutcome.Illegal("re-authentication needs SaslHandshake v1 and SaslAuthenticate");
                }
                if (!requested.equals(mechanism)) {
                    state = State.FAILED;
                    return new HandshakeOutcome.Illegal("SaslHandshake request to re-authenticate used mechanism "
                            + requested + " but the connection authenticated with " + mechanism);
                }
                exchange = newExchange(requested);
                state = State.REAUTHENTICATING;
                return new HandshakeOutcome.Accepted();
            }
            default -> {
                State was = state;
                state = State.FAILED;
                return new HandshakeOutcome.Illegal("Unexpected SaslHandshake request in SASL state " + was);
            }
        }
    }

    /** True while the next frame is a bare SASL token (after SaslHandshake v0), not a Kafka request. */
    boolean expectsRawToken() {
        return rawTokens && state == State.AUTHENTICATING;
    }

    /** What a SaslAuthenticate token did; on success the new principal and session are in place. */
    SaslStep authenticate(byte[] token, long nowMs) {
        if (state != State.AUTHENTICATING && state != State.REAUTHENTICATING) {
            return null; // the caller answers ILLEGAL_SASL_STATE
        }
        SaslStep step;
        try {
            step = exchange.evaluate(token);
        } catch (RuntimeException e) { // a mechanism must not throw; if it does, the login fails, the broker lives
            step = new SaslStep.Failure("Authentication failed: " + e.getClass().getSimpleName());
        }
        if (step instanceof SaslStep.Success success) {
            KafkaPrincipal who = KafkaPrincipal.user(success.username());
            if (state == State.REAUTHENTICATING && !who.equals(principal)) {
                step = new SaslStep.Failure("Cannot change principals during re-authentication from " + principal + ": " + who);
            } else {
                principal = who;
                state = State.AUTHENTICATED;
                rawTokens = false;
                exchange = null;
                sessionExpiresAtMs = listener.reauthMs() > 0 ? nowMs + listener.reauthMs() : 0;
                return step;
            }
        }
        if (step instanceof SaslStep.Failure) {
            state = State.FAILED;
            exchange = null;
        }
        return step;
    }

    /** After a success: who logged in. */
    KafkaPrincipal principal() {
        return principal;
    }

    String mechanism() {
        return mechanism;
    }

    /** The session lifetime to tell the client in SaslAuthenticate v1+ (0: none). */
    long sessionLifetimeMs() {
        return listener.reauthMs();
    }

    void fail() {
        state = State.FAILED;
    }

    private SaslServerMechanism newExchange(String name) {
        ScramMechanism scram = ScramMechanism.forName(name);
        return scram != null ? new ScramServer(scram, credentials) : new PlainServer(listener.plainUsers());
    }
}
