package dev.sluice.client.config;

import dev.sluice.client.AuthenticationException;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import dev.sluice.protocol.sasl.SaslClientMechanism;
import dev.sluice.protocol.sasl.SaslClientSettings;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The SASL login of security.protocol=SASL_PLAINTEXT/SASL_SSL on every new connection, as Kafka's clients
 * do it: SaslHandshake v1 with {@code sasl.mechanism}, then SaslAuthenticate with each token of the
 * mechanism (PLAIN, SCRAM-SHA-256/512 from {@code sasl.jaas.config}'s username/password) until it is
 * complete; SCRAM also checks the broker's signature. A refusal fails the connection with an
 * {@link AuthenticationException} carrying the broker's message. KIP-152 re-authentication is not done:
 * a broker with {@code connections.max.reauth.ms} closes the connection at the session's end and the
 * client logs in again on a new one.
 *
 * <p>Threads: called and continued on the client's I/O thread (the exchange's futures complete there);
 * each connection gets its own mechanism instance.
 */
public final class SaslLogin implements ConnectionAuthenticator {
    private final SaslClientSettings settings;

    public SaslLogin(SaslClientSettings settings) {
        this.settings = settings;
    }

    public SaslClientSettings settings() {
        return settings;
    }

    @Override
    public CompletionStage<Void> authenticate(Exchange exchange) {
        short handshakeVersion = exchange.version(ApiKey.SASL_HANDSHAKE);
        short authenticateVersion = exchange.version(ApiKey.SASL_AUTHENTICATE);
        if (handshakeVersion < 1 || authenticateVersion < 0) {
            return CompletableFuture.failedFuture(new AuthenticationException("broker " + exchange.broker()
                    + " does not speak SaslHandshake v1 and SaslAuthenticate: is its listener SASL_PLAINTEXT or SASL_SSL?", null));
        }
        SaslClientMechanism mechanism = SaslClientMechanism.create(settings);
        return exchange.send(ApiKey.SASL_HANDSHAKE, (short) 1, ApiKey.SASL_HANDSHAKE.newRequest().set("Mechanism", mechanism.name()))
                .thenCompose(answer -> {
                    short error = answer.getShort("ErrorCode");
                    if (error != Errors.NONE.code()) {
                        throw new AuthenticationException("broker " + exchange.broker() + " refused SASL mechanism "
                                + mechanism.name() + " (" + Errors.forCode(error) + "); it enables "
                                + answer.getList("Mechanisms"), null);
                    }
                    return step(exchange, authenticateVersion, mechanism, mechanism.initialResponse());
                });
    }

    /** Sends {@code token}, evaluates the answer, and goes on until the mechanism is complete. */
    private CompletableFuture<Void> step(Exchange exchange, short version, SaslClientMechanism mechanism, byte[] token) {
        return exchange.send(ApiKey.SASL_AUTHENTICATE, version,
                ApiKey.SASL_AUTHENTICATE.newRequest().set("AuthBytes", ByteBuffer.wrap(token))).thenCompose(answer -> {
            short error = answer.getShort("ErrorCode");
            if (error != Errors.NONE.code()) {
                String message = answer.getString("ErrorMessage");
                throw new AuthenticationException("SASL " + mechanism.name() + " login as '" + settings.username() + "' at "
                        + exchange.broker() + " failed: " + (message != null ? message : Errors.forCode(error).toString()), null);
            }
            ByteBuffer bytes = answer.getBytes("AuthBytes");
            byte[] challenge = new byte[bytes == null ? 0 : bytes.remaining()];
            if (bytes != null) {
                bytes.duplicate().get(challenge);
            }
            byte[] next;
            try {
                next = mechanism.evaluate(challenge);
            } catch (IllegalStateException e) {
                throw new AuthenticationException("SASL login at " + exchange.broker() + " failed: " + e.getMessage(), e);
            }
            if (mechanism.isComplete()) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            return step(exchange, version, mechanism, next);
        });
    }
}
