package dev.sluice.broker.security.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * RFC 4616 PLAIN against the users of the listener's PlainLoginModule ({@code user_<name>="<password>"}),
 * as Kafka's {@code PlainServerCallbackHandler}: one token {@code [authzid] NUL authcid NUL passwd}; an
 * authorization id other than the user is refused. Passwords are compared in constant time. Not
 * thread-safe (one exchange).
 */
final class PlainServer implements SaslServerMechanism {
    /** Kafka's message for a wrong user or password (the two are not told apart). */
    static final String INVALID = "Authentication failed: Invalid username or password";

    private final Map<String, String> users;
    private boolean done;

    /** @param users user name to password, from the JAAS {@code user_} options */
    PlainServer(Map<String, String> users) {
        this.users = users;
    }

    @Override
    public String name() {
        return "PLAIN";
    }

    @Override
    public SaslStep evaluate(byte[] token) {
        if (done) {
            return new SaslStep.Failure("Authentication failed: PLAIN takes a single token");
        }
        done = true;
        if (token == null) {
            return new SaslStep.Failure("Authentication failed: no PLAIN token");
        }
        int first = indexOf(token, 0);
        int second = first < 0 ? -1 : indexOf(token, first + 1);
        if (first < 0 || second < 0 || indexOf(token, second + 1) >= 0) {
            return new SaslStep.Failure("Authentication failed: Invalid SASL/PLAIN response: expected 3 tokens");
        }
        String authzid = new String(token, 0, first, StandardCharsets.UTF_8);
        String username = new String(token, first + 1, second - first - 1, StandardCharsets.UTF_8);
        byte[] password = java.util.Arrays.copyOfRange(token, second + 1, token.length);
        if (username.isEmpty()) {
            return new SaslStep.Failure("Authentication failed: username not specified");
        }
        if (password.length == 0) {
            return new SaslStep.Failure("Authentication failed: password not specified");
        }
        if (!authzid.isEmpty() && !authzid.equals(username)) {
            return new SaslStep.Failure("Authentication failed: Client requested an authorization id that is different from username");
        }
        String expected = users.get(username);
        // compare against something even for an unknown user, so timing does not tell users apart
        byte[] expectedBytes = (expected == null ? "\0unknown" : expected).getBytes(StandardCharsets.UTF_8);
        boolean match = MessageDigest.isEqual(expectedBytes, password);
        if (expected == null || !match) {
            return new SaslStep.Failure(INVALID);
        }
        return new SaslStep.Success(new byte[0], username);
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
