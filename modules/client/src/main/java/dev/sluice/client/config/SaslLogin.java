package dev.sluice.client.config;

import dev.sluice.client.AuthenticationException;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;
import dev.sluice.protocol.sasl.SaslClientLogin;
import dev.sluice.protocol.sasl.SaslClientSettings;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The SASL login of security.protocol=SASL_PLAINTEXT/SASL_SSL on every new connection, as Kafka's clients
 * do it ({@link SaslClientLogin}'s steps: SaslHandshake v1 with {@code sasl.mechanism}, then SaslAuthenticate
 * with each token of the mechanism, PLAIN or SCRAM-SHA-256/512 from {@code sasl.jaas.config}'s
 * username/password, until it is complete; SCRAM also checks the broker's signature), sent asynchronously.
 * A refusal fails the connection with an {@link AuthenticationException} carrying the broker's message. KIP-152 re-authentication is not done:
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
        if (handshakeVersion < SaslClientLogin.HANDSHAKE_VERSION || authenticateVersion < 0) {
            return CompletableFuture.failedFuture(new AuthenticationException("broker " + exchange.broker()
                    + " does not speak SaslHandshake v1 and SaslAuthenticate: is its listener SASL_PLAINTEXT or SASL_SSL?", null));
        }
        SaslClientLogin login = new SaslClientLogin(settings, exchange.broker());
        return exchange.send(ApiKey.SASL_HANDSHAKE, SaslClientLogin.HANDSHAKE_VERSION, login.handshake())
                .thenCompose(answer -> step(exchange, authenticateVersion, login, login.afterHandshake(answer)))
                .exceptionallyCompose(failure -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    return CompletableFuture.failedFuture(cause instanceof SaslClientLogin.FailedException f
                            ? new AuthenticationException(f.getMessage(), f.getCause()) : cause);
                });
    }

    /** Sends {@code request}, and the next one its answer asks for, until the login is complete. */
    private CompletableFuture<Void> step(Exchange exchange, short version, SaslClientLogin login, Struct request) {
        return exchange.send(ApiKey.SASL_AUTHENTICATE, version, request).thenCompose(answer -> {
            Struct next = login.afterAuthenticate(answer);
            return next == null ? CompletableFuture.<Void>completedFuture(null) : step(exchange, version, login, next);
        });
    }
}
