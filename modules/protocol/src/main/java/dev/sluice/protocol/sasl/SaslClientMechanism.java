package dev.sluice.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The client's side of one SASL exchange: the first token, then one token per server challenge,
 * until {@link #isComplete()}. Each SaslAuthenticate request carries one token and its response the
 * next challenge. A failure (the server's error, a server that cannot prove it knows the password, a
 * malformed challenge) is an {@link IllegalStateException} naming it. One exchange, one thread.
 */
public sealed interface SaslClientMechanism {

    /** The mechanism's SASL name, as SaslHandshake sends it. */
    String name();

    /** The first token (PLAIN's credentials, SCRAM's client-first message). */
    byte[] initialResponse();

    /** The token answering {@code challenge}, or null when the exchange is complete with nothing more to send. */
    byte[] evaluate(byte[] challenge);

    boolean isComplete();

    /**
     * A new exchange for {@code settings}.
     *
     * @throws IllegalArgumentException for a mechanism Sluice's client does not speak
     */
    static SaslClientMechanism create(SaslClientSettings settings) {
        if (settings.mechanism().equals("PLAIN")) {
            return new Plain(settings.username(), settings.password());
        }
        ScramMechanism scram = ScramMechanism.forName(settings.mechanism());
        if (scram == null) {
            throw new IllegalArgumentException("sasl.mechanism " + settings.mechanism()
                    + " is not supported by Sluice's client: use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
        }
        return new Scram(scram, settings.username(), settings.password(), nonce());
    }

    /** A fresh client nonce: 24 random bytes as base64 (printable, no ','). */
    static String nonce() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** RFC 4616: {@code [authzid] NUL authcid NUL passwd}, one token; the server's empty answer completes it. */
    final class Plain implements SaslClientMechanism {
        private final String username;
        private final String password;
        private boolean sent;
        private boolean complete;

        Plain(String username, String password) {
            this.username = username;
            this.password = password;
        }

        @Override
        public String name() {
            return "PLAIN";
        }

        @Override
        public byte[] initialResponse() {
            sent = true;
            return ("\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] evaluate(byte[] challenge) {
            if (!sent) {
                throw new IllegalStateException("PLAIN: a challenge before the credentials were sent");
            }
            complete = true;
            return null;
        }

        @Override
        public boolean isComplete() {
            return complete;
        }
    }

    /** RFC 5802 client: client-first, then client-final with the proof, then the server's signature is checked. */
    final class Scram implements SaslClientMechanism {
        private enum Stage { INITIAL, SENT_FIRST, SENT_FINAL, COMPLETE }

        private final ScramMechanism mechanism;
        private final String password;
        private final ScramMessages.ClientFirst first;
        private Stage stage = Stage.INITIAL;
        private byte[] expectedServerSignature;

        Scram(ScramMechanism mechanism, String username, String password, String nonce) {
            this.mechanism = mechanism;
            this.password = password;
            this.first = ScramMessages.ClientFirst.of(username, nonce);
        }

        @Override
        public String name() {
            return mechanism.mechanismName();
        }

        @Override
        public byte[] initialResponse() {
            stage = Stage.SENT_FIRST;
            return first.toBytes();
        }

        @Override
        public byte[] evaluate(byte[] challenge) {
            switch (stage) {
                case SENT_FIRST -> {
                    ScramMessages.ServerFirst serverFirst;
                    try {
                        serverFirst = ScramMessages.ServerFirst.parse(challenge);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException(name() + ": " + e.getMessage());
                    }
                    if (!serverFirst.nonce().startsWith(first.nonce()) || serverFirst.nonce().length() == first.nonce().length()) {
                        throw new IllegalStateException(name() + ": the server's nonce does not extend the client's");
                    }
                    if (serverFirst.iterations() < ScramMechanism.MIN_ITERATIONS) {
                        throw new IllegalStateException(name() + ": the server asks for " + serverFirst.iterations()
                                + " iterations, fewer than " + ScramMechanism.MIN_ITERATIONS);
                    }
                    byte[] salted = mechanism.saltedPassword(password, serverFirst.salt(), serverFirst.iterations());
                    ScramMessages.ClientFinal withoutProof = ScramMessages.ClientFinal.of(first.gs2Header(), serverFirst.nonce(), new byte[0]);
                    byte[] authMessage = (first.bare() + "," + serverFirst.text() + "," + withoutProof.withoutProof())
                            .getBytes(StandardCharsets.UTF_8);
                    byte[] clientKey = mechanism.clientKey(salted);
                    byte[] clientSignature = mechanism.hmac(mechanism.storedKey(clientKey), authMessage);
                    expectedServerSignature = mechanism.hmac(mechanism.serverKey(salted), authMessage);
                    stage = Stage.SENT_FINAL;
                    return ScramMessages.ClientFinal.of(first.gs2Header(), serverFirst.nonce(),
                            ScramMechanism.xor(clientKey, clientSignature)).toBytes();
                }
                case SENT_FINAL -> {
                    ScramMessages.ServerFinal serverFinal;
                    try {
                        serverFinal = ScramMessages.ServerFinal.parse(challenge);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException(name() + ": " + e.getMessage());
                    }
                    if (serverFinal.error() != null) {
                        throw new IllegalStateException(name() + ": the server refused: " + serverFinal.error());
                    }
                    if (!MessageDigest.isEqual(serverFinal.verifier(), expectedServerSignature)) {
                        throw new IllegalStateException(name() + ": the server's signature is wrong: it does not know the credentials");
                    }
                    stage = Stage.COMPLETE;
                    return null;
                }
                default -> throw new IllegalStateException(name() + ": unexpected challenge in stage " + stage);
            }
        }

        @Override
        public boolean isComplete() {
            return stage == Stage.COMPLETE;
        }
    }
}
