package dev.sluice.broker.security.sasl;

/** What one client token does to a server-side exchange. Immutable. */
sealed interface SaslStep {
    /** The exchange goes on: send {@code token} back, expect another. */
    record Challenge(byte[] token) implements SaslStep {
    }

    /** Logged in as {@code username}; {@code token} is the mechanism's last word (may be empty). */
    record Success(byte[] token, String username) implements SaslStep {
    }

    /** Refused: SASL_AUTHENTICATION_FAILED with {@code message} (never a password). */
    record Failure(String message) implements SaslStep {
    }
}
