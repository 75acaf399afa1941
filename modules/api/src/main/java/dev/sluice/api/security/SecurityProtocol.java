package dev.sluice.api.security;

import java.util.Locale;
import java.util.Optional;

/**
 * How a listener (or a client's connection) is secured, with Kafka's names and wire ids (UpdateMetadata
 * and the {@code /brokers/ids/N} znode carry them): TLS or not, SASL or not. Immutable; any thread.
 */
public enum SecurityProtocol {
    PLAINTEXT(0, false, false),
    SSL(1, true, false),
    SASL_PLAINTEXT(2, false, true),
    SASL_SSL(3, true, true);

    private final short id;
    private final boolean tls;
    private final boolean sasl;

    SecurityProtocol(int id, boolean tls, boolean sasl) {
        this.id = (short) id;
        this.tls = tls;
        this.sasl = sasl;
    }

    /** Kafka's id of the protocol (UpdateMetadata's {@code SecurityProtocol} field). */
    public short id() {
        return id;
    }

    /** True when the bytes go through TLS (SSL, SASL_SSL). */
    public boolean usesTls() {
        return tls;
    }

    /** True when a client must log in with SASL before anything but ApiVersions/SaslHandshake/SaslAuthenticate. */
    public boolean usesSasl() {
        return sasl;
    }

    /** The protocol named {@code name} (any case), if it is one. */
    public static Optional<SecurityProtocol> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The protocol with Kafka's wire id {@code id}, if any. */
    public static Optional<SecurityProtocol> byId(int id) {
        for (SecurityProtocol p : values()) {
            if (p.id == id) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
