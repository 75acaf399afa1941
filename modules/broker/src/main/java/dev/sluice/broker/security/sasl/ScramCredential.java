package dev.sluice.broker.security.sasl;

import dev.sluice.protocol.sasl.ScramMechanism;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A user's SCRAM credential as the server keeps it (RFC 5802 section 3): the salt, the iteration
 * count, {@code StoredKey} and {@code ServerKey} — enough to check a client's proof and prove itself,
 * never enough to log in as the user. Stored as Kafka's text in the user's config
 * ({@code /config/users/U}, key {@code SCRAM-SHA-256}):
 * {@code salt=<base64>,stored_key=<base64>,server_key=<base64>,iterations=<n>}. Immutable.
 */
public record ScramCredential(byte[] salt, byte[] storedKey, byte[] serverKey, int iterations) {

    public ScramCredential {
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /** From the salted password a client computed (AlterUserScramCredentials carries it, not the password). */
    public static ScramCredential fromSaltedPassword(ScramMechanism mechanism, byte[] salt, byte[] saltedPassword, int iterations) {
        byte[] clientKey = mechanism.clientKey(saltedPassword);
        return new ScramCredential(salt, mechanism.storedKey(clientKey), mechanism.serverKey(saltedPassword), iterations);
    }

    /** From a password, with a new random salt (what a client does before AlterUserScramCredentials). */
    public static ScramCredential fromPassword(ScramMechanism mechanism, String password, int iterations) {
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        return fromSaltedPassword(mechanism, salt, mechanism.saltedPassword(password, salt, iterations), iterations);
    }

    /** Kafka's stored form ({@code ScramCredentialUtils.credentialToString}). */
    public String toStoredText() {
        Base64.Encoder b64 = Base64.getEncoder();
        return "salt=" + b64.encodeToString(salt) + ",stored_key=" + b64.encodeToString(storedKey)
                + ",server_key=" + b64.encodeToString(serverKey) + ",iterations=" + iterations;
    }

    /**
     * Parses the stored form.
     *
     * @throws IllegalArgumentException if a part is missing or malformed
     */
    public static ScramCredential parse(String text) {
        Map<String, String> parts = new HashMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        try {
            return new ScramCredential(Base64.getDecoder().decode(required(parts, "salt")),
                    Base64.getDecoder().decode(required(parts, "stored_key")),
                    Base64.getDecoder().decode(required(parts, "server_key")),
                    Integer.parseInt(required(parts, "iterations")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SCRAM credential: iterations is not a number");
        }
    }

    private static String required(Map<String, String> parts, String key) {
        String v = parts.get(key);
        if (v == null) {
            throw new IllegalArgumentException("SCRAM credential without " + key);
        }
        return v;
    }

    @Override
    public String toString() {
        return "ScramCredential[iterations=" + iterations + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramCredential c && iterations == c.iterations && java.util.Arrays.equals(salt, c.salt)
                && java.util.Arrays.equals(storedKey, c.storedKey) && java.util.Arrays.equals(serverKey, c.serverKey);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(storedKey);
    }
}
