package dev.sluice.broker.interbroker;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;
import dev.sluice.protocol.sasl.SaslClientLogin;
import dev.sluice.protocol.sasl.SaslClientSettings;

import java.io.IOException;

/**
 * The SASL login of a broker's own connection to another broker over a SASL_PLAINTEXT or SASL_SSL
 * inter-broker listener: {@code sasl.mechanism.inter.broker.protocol} with the username and password of that
 * listener's {@code listener.name.<l>.<mechanism>.sasl.jaas.config}, the steps of {@link SaslClientLogin}
 * sent one at a time on the blocking connection before its first request. Sluice's brokers all speak
 * SaslAuthenticate v2, so no ApiVersions exchange comes first.
 *
 * <p>KIP-152: a listener with {@code connections.max.reauth.ms} closes the connection when the session
 * ends; the owner's next exchange fails and it connects (and logs in) again, as for any lost connection.
 *
 * <p>Immutable (its toString hides the password); called on each connection's owner thread.
 */
record SaslInterBrokerLogin(SaslClientSettings settings) implements InterBrokerSecurity.Authenticator {
    /** SaslAuthenticate v2: flexible, with the session lifetime. */
    private static final short AUTHENTICATE_VERSION = 2;

    @Override
    public void authenticate(BlockingConnection connection) throws IOException {
        SaslClientLogin login = new SaslClientLogin(settings, connection.peer());
        try {
            Struct request = login.afterHandshake(connection.exchange(ApiKey.SASL_HANDSHAKE,
                    SaslClientLogin.HANDSHAKE_VERSION, login.handshake()).body());
            while (request != null) {
                request = login.afterAuthenticate(connection.exchange(ApiKey.SASL_AUTHENTICATE, AUTHENTICATE_VERSION,
                        request).body());
            }
        } catch (SaslClientLogin.FailedException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
