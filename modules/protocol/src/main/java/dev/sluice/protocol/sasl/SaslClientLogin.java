package dev.sluice.protocol.sasl;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.nio.ByteBuffer;

/**
 * One SASL login as Kafka's clients run it, as request and answer bodies: SaslHandshake v1 naming the
 * mechanism, then SaslAuthenticate with each token of the mechanism until it is complete (SCRAM also checks
 * the broker's signature). Who sends the requests is the caller's: the client's network layer does it
 * asynchronously, a broker's inter-broker connection blocking; both run the same steps from here.
 *
 * <p>Threads: one login, one thread at a time (the caller's).
 */
public final class SaslClientLogin {
    /** The SaslHandshake version every login sends (v1: the tokens travel in SaslAuthenticate). */
    public static final short HANDSHAKE_VERSION = 1;

    private final SaslClientSettings settings;
    private final String broker;
    private final SaslClientMechanism mechanism;

    /**
     * @param settings the mechanism and credentials
     * @param broker   who is logged in to, as {@code host:port} (for the messages)
     * @throws IllegalArgumentException for a mechanism Sluice's client does not speak
     */
    public SaslClientLogin(SaslClientSettings settings, String broker) {
        this.settings = settings;
        this.broker = broker;
        this.mechanism = SaslClientMechanism.create(settings);
    }

    /** A login refused or broken, with a message naming the broker and why. */
    public static final class FailedException extends RuntimeException {
        FailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The SaslHandshake request (version {@link #HANDSHAKE_VERSION}). */
    public Struct handshake() {
        return ApiKey.SASL_HANDSHAKE.newRequest().set("Mechanism", mechanism.name());
    }

    /**
     * Checks the SaslHandshake answer and makes the first SaslAuthenticate request.
     *
     * @throws FailedException the broker does not enable the mechanism
     */
    public Struct afterHandshake(Struct answer) {
        short error = answer.getShort("ErrorCode");
        if (error != Errors.NONE.code()) {
            throw new FailedException("broker " + broker + " refused SASL mechanism " + mechanism.name() + " ("
                    + Errors.forCode(error) + "); it enables " + answer.getList("Mechanisms"), null);
        }
        return authenticate(mechanism.initialResponse());
    }

    /**
     * Checks a SaslAuthenticate answer and evaluates its challenge.
     *
     * @return the next SaslAuthenticate request, or null when the login is complete
     * @throws FailedException the broker refused the login, or cannot prove it knows the credentials (SCRAM)
     */
    public Struct afterAuthenticate(Struct answer) {
        short error = answer.getShort("ErrorCode");
        if (error != Errors.NONE.code()) {
            String message = answer.getString("ErrorMessage");
            throw new FailedException("SASL " + mechanism.name() + " login as '" + settings.username() + "' at " + broker
                    + " failed: " + (message != null ? message : Errors.forCode(error).toString()), null);
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
            throw new FailedException("SASL login at " + broker + " failed: " + e.getMessage(), e);
        }
        return mechanism.isComplete() ? null : authenticate(next);
    }

    private static Struct authenticate(byte[] token) {
        return ApiKey.SASL_AUTHENTICATE.newRequest().set("AuthBytes", ByteBuffer.wrap(token));
    }
}
