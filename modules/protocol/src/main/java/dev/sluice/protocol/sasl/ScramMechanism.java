package dev.sluice.protocol.sasl;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SCRAM mechanisms Kafka defines (RFC 5802 with the hashes of RFC 7677 and RFC 5802's
 * SHA-512 analogue), their wire type in Alter/DescribeUserScramCredentials, and the key derivations:
 * {@code SaltedPassword = Hi(password, salt, i)}, {@code ClientKey = HMAC(SaltedPassword, "Client Key")},
 * {@code StoredKey = H(ClientKey)}, {@code ServerKey = HMAC(SaltedPassword, "Server Key")}. Passwords
 * are taken as UTF-8 without SASLprep, as Kafka does. Stateless; any thread (each call gets its own
 * {@link Mac} and {@link MessageDigest}).
 */
public enum ScramMechanism {
    SCRAM_SHA_256("SCRAM-SHA-256", (byte) 1, "SHA-256", "HmacSHA256"),
    SCRAM_SHA_512("SCRAM-SHA-512", (byte) 2, "SHA-512", "HmacSHA512");

    /** Kafka's bounds on iterations (ScramMechanism.minIterations, and the broker's upper limit). */
    public static final int MIN_ITERATIONS = 4096;
    public static final int MAX_ITERATIONS = 16384;

    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    private final String mechanismName;
    private final byte type;
    private final String hashAlgorithm;
    private final String macAlgorithm;

    ScramMechanism(String mechanismName, byte type, String hashAlgorithm, String macAlgorithm) {
        this.mechanismName = mechanismName;
        this.type = type;
        this.hashAlgorithm = hashAlgorithm;
        this.macAlgorithm = macAlgorithm;
    }

    /** The SASL name, e.g. {@code SCRAM-SHA-256}: also the key of the credential in {@code /config/users/U}. */
    public String mechanismName() {
        return mechanismName;
    }

    /** Kafka's wire value (Alter/DescribeUserScramCredentials {@code Mechanism}). */
    public byte type() {
        return type;
    }

    /** The mechanism named {@code name}, or null. */
    public static ScramMechanism forName(String name) {
        for (ScramMechanism m : values()) {
            if (m.mechanismName.equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** The mechanism of wire type {@code type}, or null (Kafka's UNKNOWN is 0). */
    public static ScramMechanism forType(byte type) {
        for (ScramMechanism m : values()) {
            if (m.type == type) {
                return m;
            }
        }
        return null;
    }

    /** RFC 5802 {@code Hi()}: PBKDF2 with this HMAC, one output block. */
    public byte[] hi(byte[] password, byte[] salt, int iterations) {
        Mac mac = mac(password);
        mac.update(salt);
        byte[] u = mac.doFinal(new byte[]{0, 0, 0, 1});
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    public byte[] saltedPassword(String password, byte[] salt, int iterations) {
        return hi(password.getBytes(StandardCharsets.UTF_8), salt, iterations);
    }

    public byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    public byte[] hash(byte[] data) {
        try {
            return MessageDigest.getInstance(hashAlgorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(hashAlgorithm + " missing from the JDK", e);
        }
    }

    public byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, CLIENT_KEY);
    }

    public byte[] storedKey(byte[] clientKey) {
        return hash(clientKey);
    }

    public byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, SERVER_KEY);
    }

    private Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            // SecretKeySpec refuses an empty key (an empty password); HMAC pads keys with zeros, so one zero byte is the same key
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, macAlgorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(macAlgorithm + " missing from the JDK", e);
        }
    }

    /** XOR of two arrays of the same length (ClientProof = ClientKey XOR ClientSignature, and back). */
    public static byte[] xor(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("xor of arrays of different lengths");
        }
        byte[] r = new byte[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (byte) (a[i] ^ b[i]);
        }
        return r;
    }

    @Override
    public String toString() {
        return mechanismName;
    }
}
