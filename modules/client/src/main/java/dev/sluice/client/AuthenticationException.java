package dev.sluice.client;

/**
 * The broker and this client could not establish who is who: the TLS handshake failed (the broker's
 * certificate is not trusted, ours was refused or is expired, no common protocol) or a login was
 * refused. Not retriable: the same settings will fail again (Kafka's {@code SslAuthenticationException}).
 */
public class AuthenticationException extends SluiceClientException {
    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
