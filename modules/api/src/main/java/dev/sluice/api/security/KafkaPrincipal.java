package dev.sluice.api.security;

import java.util.Objects;

/**
 * Who a connection is, as Kafka names it: a type and a name, written {@code User:alice}. A connection
 * starts as {@link #ANONYMOUS}; TLS client certificates and SASL logins replace it. ACLs and quotas
 * match principals by this exact form. Immutable; any thread.
 */
public record KafkaPrincipal(String type, String name) {

    public static final String USER_TYPE = "User";
    /** Kafka's principal of an unauthenticated connection (PLAINTEXT, or TLS without a client certificate). */
    public static final KafkaPrincipal ANONYMOUS = new KafkaPrincipal(USER_TYPE, "ANONYMOUS");

    public KafkaPrincipal {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        if (type.isEmpty() || type.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a principal type must be non-empty and without ':' (got '" + type + "')");
        }
    }

    public static KafkaPrincipal user(String name) {
        return new KafkaPrincipal(USER_TYPE, name);
    }

    /** Parses {@code Type:name} (the name may contain ':'), as kafka-acls.sh and super.users write it. */
    public static KafkaPrincipal parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a principal is written Type:name, e.g. User:alice (got '" + text + "')");
        }
        return new KafkaPrincipal(text.substring(0, colon), text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return type + ":" + name;
    }
}
