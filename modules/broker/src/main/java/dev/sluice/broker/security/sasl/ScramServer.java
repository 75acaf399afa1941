package dev.sluice.broker.security.sasl;

import dev.sluice.protocol.sasl.ScramMechanism;
import dev.sluice.protocol.sasl.ScramMessages;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.BiFunction;

/**
 * RFC 5802 server: client-first → server-first (the client's nonce extended with ours, the user's salt
 * and iterations) → client-final, whose nonce and channel binding must match and whose proof must
 * hash to the stored key → server-final with our signature. An unknown user fails at the first
 * message (as Kafka); delegation tokens ({@code tokenauth=true}) are not supported. Not thread-safe
 * (one exchange).
 */
final class ScramServer implements SaslServerMechanism {
    private enum Stage { EXPECT_FIRST, EXPECT_FINAL, DONE }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ScramMechanism mechanism;
    private final BiFunction<String, ScramMechanism, ScramCredential> credentials;
    private Stage stage = Stage.EXPECT_FIRST;
    private ScramMessages.ClientFirst clientFirst;
    private ScramMessages.ServerFirst serverFirst;
    private ScramCredential credential;

    /** @param credentials the credential of (user, mechanism), null if none */
    ScramServer(ScramMechanism mechanism, BiFunction<String, ScramMechanism, ScramCredential> credentials) {
        this.mechanism = mechanism;
        this.credentials = credentials;
    }

    @Override
    public String name() {
        return mechanism.mechanismName();
    }

    @Override
    public SaslStep evaluate(byte[] token) {
        try {
            return switch (stage) {
                case EXPECT_FIRST -> first(token);
                case EXPECT_FINAL -> last(token);
                case DONE -> fail("Authentication failed: the SCRAM exchange is over");
            };
        } catch (IllegalArgumentException e) { // malformed message: its parse says what
            return fail("Authentication failed: " + e.getMessage());
        }
    }

    private SaslStep first(byte[] token) {
        clientFirst = ScramMessages.ClientFirst.parse(token);
        if (clientFirst.authzid() != null && !clientFirst.authzid().equals(clientFirst.username())) {
            return fail("Authentication failed: Client requested an authorization id that is different from username");
        }
        if ("true".equalsIgnoreCase(clientFirst.extensions().get("tokenauth"))) {
            return fail("Authentication failed: delegation tokens are not supported by Sluice");
        }
        credential = credentials.apply(clientFirst.username(), mechanism);
        if (credential == null) {
            return fail("Authentication failed: Invalid user credentials");
        }
        byte[] nonce = new byte[24];
        RANDOM.nextBytes(nonce);
        serverFirst = ScramMessages.ServerFirst.of(clientFirst.nonce() + Base64.getEncoder().encodeToString(nonce),
                credential.salt(), credential.iterations());
        stage = Stage.EXPECT_FINAL;
        return new SaslStep.Challenge(serverFirst.toBytes());
    }

    private SaslStep last(byte[] token) {
        ScramMessages.ClientFinal clientFinal = ScramMessages.ClientFinal.parse(token);
        // endsWith, as Kafka's ScramSaslServer: librdkafka sends its own nonce again in front of the combined one
        if (!clientFinal.nonce().endsWith(serverFirst.nonce())) {
            return fail("Authentication failed: Invalid client nonce in the final client message.");
        }
        if (!Arrays.equals(clientFinal.channelBinding(), clientFirst.gs2Header().getBytes(StandardCharsets.UTF_8))) {
            return fail("Authentication failed: Invalid channel binding in the final client message.");
        }
        byte[] authMessage = (clientFirst.bare() + "," + serverFirst.text() + "," + clientFinal.withoutProof())
                .getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = mechanism.hmac(credential.storedKey(), authMessage);
        if (clientFinal.proof().length != clientSignature.length) {
            return fail(invalidCredentials());
        }
        byte[] clientKey = ScramMechanism.xor(clientFinal.proof(), clientSignature);
        if (!MessageDigest.isEqual(mechanism.hash(clientKey), credential.storedKey())) {
            return fail(invalidCredentials());
        }
        stage = Stage.DONE;
        byte[] serverSignature = mechanism.hmac(credential.serverKey(), authMessage);
        return new SaslStep.Success(ScramMessages.ServerFinal.success(serverSignature).toBytes(), clientFirst.username());
    }

    private String invalidCredentials() {
        return "Authentication failed during authentication due to invalid credentials with SASL mechanism " + name();
    }

    private SaslStep fail(String message) {
        stage = Stage.DONE;
        return new SaslStep.Failure(message);
    }
}
