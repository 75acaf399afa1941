package dev.sluice.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The four SCRAM messages of RFC 5802 section 7, parsed strictly and written exactly (the
 * signatures cover their bytes):
 * <pre>
 * client-first  = gs2-header client-first-bare          gs2-header = ("n" | "y") "," ["a=" authzid] ","
 * client-first-bare = "n=" saslname ",r=" c-nonce ["," extensions]
 * server-first  = "r=" c-nonce s-nonce ",s=" base64(salt) ",i=" iterations
 * client-final  = "c=" base64(gs2-header) ",r=" nonce ["," extensions] ",p=" base64(ClientProof)
 * server-final  = "v=" base64(ServerSignature) | "e=" error
 * </pre>
 * Channel binding ("p=" flag) is not supported, as in Kafka. Names escape ',' as "=2C" and '=' as "=3D".
 * Every parse failure is an {@link IllegalArgumentException} whose message names what is wrong (never
 * a password or proof). Stateless; any thread.
 */
public final class ScramMessages {
    private ScramMessages() {
    }

    public record ClientFirst(String gs2Header, String authzid, String username, String nonce,
                              Map<String, String> extensions, String bare) {
        public static ClientFirst of(String username, String nonce) {
            String bare = "n=" + encodeName(username) + ",r=" + nonce;
            return new ClientFirst("n,,", null, username, nonce, Map.of(), bare);
        }

        public byte[] toBytes() {
            return (gs2Header + bare).getBytes(StandardCharsets.UTF_8);
        }

        public static ClientFirst parse(byte[] bytes) {
            String s = decodeText(bytes, "client-first message");
            if (s.length() < 3 || (s.charAt(0) != 'n' && s.charAt(0) != 'y') || s.charAt(1) != ',') {
                throw new IllegalArgumentException("invalid SCRAM client-first message: it must start with 'n,' "
                        + "(channel binding is not supported)");
            }
            int headerEnd = s.indexOf(',', 2);
            if (headerEnd < 0) {
                throw new IllegalArgumentException("invalid SCRAM client-first message: incomplete GS2 header");
            }
            String authzPart = s.substring(2, headerEnd);
            String authzid = null;
            if (!authzPart.isEmpty()) {
                if (!authzPart.startsWith("a=")) {
                    throw new IllegalArgumentException("invalid SCRAM client-first message: bad authorization id");
                }
                authzid = decodeName(authzPart.substring(2));
            }
            String gs2Header = s.substring(0, headerEnd + 1);
            String bare = s.substring(headerEnd + 1);
            String[] parts = bare.split(",", -1);
            if (parts.length < 2 || !parts[0].startsWith("n=") || !parts[1].startsWith("r=")) {
                throw new IllegalArgumentException("invalid SCRAM client-first message: expected n=<user>,r=<nonce>");
            }
            String username = decodeName(parts[0].substring(2));
            String nonce = parts[1].substring(2);
            checkNonce(nonce);
            return new ClientFirst(gs2Header, authzid, username, nonce, parseExtensions(parts, 2, parts.length), bare);
        }
    }

    public record ServerFirst(String nonce, byte[] salt, int iterations, String text) {
        public static ServerFirst of(String nonce, byte[] salt, int iterations) {
            return new ServerFirst(nonce, salt.clone(), iterations, "r=" + nonce + ",s="
                    + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations);
        }

        public byte[] toBytes() {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        public static ServerFirst parse(byte[] bytes) {
            String s = decodeText(bytes, "server-first message");
            String[] parts = s.split(",", -1);
            if (parts.length < 3 || !parts[0].startsWith("r=") || !parts[1].startsWith("s=") || !parts[2].startsWith("i=")) {
                throw new IllegalArgumentException("invalid SCRAM server-first message: expected r=<nonce>,s=<salt>,i=<iterations>");
            }
            int iterations;
            try {
                iterations = Integer.parseInt(parts[2].substring(2));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid SCRAM server-first message: iterations is not a number");
            }
            String nonce = parts[0].substring(2);
            checkNonce(nonce);
            return new ServerFirst(nonce, base64(parts[1].substring(2), "salt"), iterations, s);
        }
    }

    public record ClientFinal(byte[] channelBinding, String nonce, Map<String, String> extensions, byte[] proof,
                              String withoutProof) {
        public static ClientFinal of(String gs2Header, String nonce, byte[] proof) {
            String withoutProof = "c=" + Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8))
                    + ",r=" + nonce;
            return new ClientFinal(gs2Header.getBytes(StandardCharsets.UTF_8), nonce, Map.of(), proof.clone(), withoutProof);
        }

        public byte[] toBytes() {
            return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
        }

        public static ClientFinal parse(byte[] bytes) {
            String s = decodeText(bytes, "client-final message");
            int proofAt = s.lastIndexOf(",p=");
            if (proofAt < 0) {
                throw new IllegalArgumentException("invalid SCRAM client-final message: no proof");
            }
            String withoutProof = s.substring(0, proofAt);
            String[] parts = withoutProof.split(",", -1);
            if (parts.length < 2 || !parts[0].startsWith("c=") || !parts[1].startsWith("r=")) {
                throw new IllegalArgumentException("invalid SCRAM client-final message: expected c=<binding>,r=<nonce>,...,p=<proof>");
            }
            byte[] binding = base64(parts[0].substring(2), "channel binding");
            String nonce = parts[1].substring(2);
            checkNonce(nonce);
            byte[] proof = base64(s.substring(proofAt + 3), "proof");
            return new ClientFinal(binding, nonce, parseExtensions(parts, 2, parts.length), proof, withoutProof);
        }
    }

    /** The server's last word: {@code verifier} (its signature) on success, else {@code error}. */
    public record ServerFinal(byte[] verifier, String error) {
        public static ServerFinal success(byte[] signature) {
            return new ServerFinal(signature.clone(), null);
        }

        public static ServerFinal failure(String error) {
            return new ServerFinal(null, error);
        }

        public byte[] toBytes() {
            String s = error != null ? "e=" + error : "v=" + Base64.getEncoder().encodeToString(verifier);
            return s.getBytes(StandardCharsets.UTF_8);
        }

        public static ServerFinal parse(byte[] bytes) {
            String s = decodeText(bytes, "server-final message");
            if (s.startsWith("e=")) {
                return failure(s.substring(2));
            }
            if (!s.startsWith("v=")) {
                throw new IllegalArgumentException("invalid SCRAM server-final message");
            }
            int end = s.indexOf(',');
            return success(base64(end < 0 ? s.substring(2) : s.substring(2, end), "server signature"));
        }
    }

    /** RFC 5802's saslname: ',' and '=' escaped. */
    public static String encodeName(String name) {
        return name.replace("=", "=3D").replace(",", "=2C");
    }

    static String decodeName(String saslName) {
        StringBuilder b = new StringBuilder(saslName.length());
        for (int i = 0; i < saslName.length(); i++) {
            char c = saslName.charAt(i);
            if (c == '=') {
                if (saslName.startsWith("=2C", i)) {
                    b.append(',');
                } else if (saslName.startsWith("=3D", i)) {
                    b.append('=');
                } else {
                    throw new IllegalArgumentException("invalid SCRAM user name: '=' not followed by 2C or 3D");
                }
                i += 2;
            } else {
                b.append(c);
            }
        }
        if (b.isEmpty()) {
            throw new IllegalArgumentException("invalid SCRAM user name: empty");
        }
        return b.toString();
    }

    private static void checkNonce(String nonce) {
        if (nonce.isEmpty()) {
            throw new IllegalArgumentException("invalid SCRAM message: empty nonce");
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ',') {
                throw new IllegalArgumentException("invalid SCRAM message: the nonce must be printable ASCII without ','");
            }
        }
    }

    private static Map<String, String> parseExtensions(String[] parts, int from, int to) {
        Map<String, String> ext = new LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("invalid SCRAM message: malformed extension");
            }
            ext.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return Map.copyOf(ext);
    }

    private static byte[] base64(String text, String what) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid SCRAM message: the " + what + " is not base64");
        }
    }

    private static String decodeText(byte[] bytes, String what) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("empty SCRAM " + what);
        }
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("invalid SCRAM " + what + ": not UTF-8");
        }
    }
}
