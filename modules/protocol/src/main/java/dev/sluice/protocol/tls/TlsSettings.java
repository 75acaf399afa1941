package dev.sluice.protocol.tls;

import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.config.Validator;

import java.util.List;
import java.util.Locale;

/**
 * Kafka's {@code ssl.*} settings, shared by the broker (its TLS listeners, and as a client of other
 * brokers) and the Sluice client: where the key and the trusted certificates are, which protocols
 * and cipher suites, whether the peer must present a certificate, whether the server's host name is
 * checked. Immutable; any thread.
 *
 * @param keystoreType          {@code ssl.keystore.type}: JKS, PKCS12 or PEM
 * @param keystoreLocation      {@code ssl.keystore.location}, null for none (a client without a certificate)
 * @param keystorePassword      {@code ssl.keystore.password}
 * @param keyPassword           {@code ssl.key.password} (default: the keystore password)
 * @param truststoreType        {@code ssl.truststore.type}: JKS, PKCS12 or PEM
 * @param truststoreLocation    {@code ssl.truststore.location}, null for the JDK's default trusted authorities
 * @param truststorePassword    {@code ssl.truststore.password}
 * @param clientAuth            {@code ssl.client.auth} (servers only)
 * @param protocol              {@code ssl.protocol}: the SSLContext's protocol
 * @param enabledProtocols      {@code ssl.enabled.protocols}
 * @param cipherSuites          {@code ssl.cipher.suites}, empty for the JDK's defaults
 * @param endpointIdentification {@code ssl.endpoint.identification.algorithm}: "https" checks the server's host
 *                              name against its certificate (clients only), "" does not
 * @param keymanagerAlgorithm   {@code ssl.keymanager.algorithm}
 * @param trustmanagerAlgorithm {@code ssl.trustmanager.algorithm}
 */
public record TlsSettings(String keystoreType, String keystoreLocation, String keystorePassword, String keyPassword,
                          String truststoreType, String truststoreLocation, String truststorePassword,
                          ClientAuth clientAuth, String protocol, List<String> enabledProtocols, List<String> cipherSuites,
                          String endpointIdentification, String keymanagerAlgorithm, String trustmanagerAlgorithm) {

    /** {@code ssl.client.auth}: whether a TLS server asks for, or insists on, a client certificate. */
    public enum ClientAuth {
        NONE, REQUESTED, REQUIRED;

        static ClientAuth parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    public TlsSettings {
        enabledProtocols = List.copyOf(enabledProtocols);
        cipherSuites = List.copyOf(cipherSuites);
        endpointIdentification = endpointIdentification == null ? "" : endpointIdentification;
    }

    /** Kafka's defaults, without a keystore or truststore (a client trusting the JDK's authorities). */
    public static TlsSettings defaults() {
        return new TlsSettings("JKS", null, null, null, "JKS", null, null, ClientAuth.NONE, "TLSv1.3",
                List.of("TLSv1.2", "TLSv1.3"), List.of(), "https", javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm(),
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    }

    /** The same settings with another truststore (tests, tools). */
    public TlsSettings withTruststore(String type, String location, String password) {
        return new TlsSettings(keystoreType, keystoreLocation, keystorePassword, keyPassword, type, location, password,
                clientAuth, protocol, enabledProtocols, cipherSuites, endpointIdentification, keymanagerAlgorithm,
                trustmanagerAlgorithm);
    }

    /** The same settings with another keystore (tests, tools). */
    public TlsSettings withKeystore(String type, String location, String password, String keyPass) {
        return new TlsSettings(type, location, password, keyPass, truststoreType, truststoreLocation, truststorePassword,
                clientAuth, protocol, enabledProtocols, cipherSuites, endpointIdentification, keymanagerAlgorithm,
                trustmanagerAlgorithm);
    }

    public TlsSettings withClientAuth(ClientAuth auth) {
        return new TlsSettings(keystoreType, keystoreLocation, keystorePassword, keyPassword, truststoreType,
                truststoreLocation, truststorePassword, auth, protocol, enabledProtocols, cipherSuites, endpointIdentification,
                keymanagerAlgorithm, trustmanagerAlgorithm);
    }

    public TlsSettings withEndpointIdentification(String algorithm) {
        return new TlsSettings(keystoreType, keystoreLocation, keystorePassword, keyPassword, truststoreType,
                truststoreLocation, truststorePassword, clientAuth, protocol, enabledProtocols, cipherSuites, algorithm,
                keymanagerAlgorithm, trustmanagerAlgorithm);
    }

    /**
     * The {@code ssl.*} settings with Kafka's names and defaults. {@code server}: include
     * {@code ssl.client.auth} (a client has no use for it).
     */
    public static List<ConfigKey> keys(boolean server) {
        Validator storeType = Validator.oneOf("JKS", "PKCS12", "PEM");
        List<ConfigKey> keys = new java.util.ArrayList<>(List.of(
                ConfigKey.of("ssl.keystore.type", ConfigType.STRING, "JKS", storeType,
                        "format of the keystore: JKS, PKCS12 or PEM (a file with the private key and its certificate chain)"),
                ConfigKey.of("ssl.keystore.location", ConfigType.STRING, null, null,
                        "the keystore holding this side's private key and certificate"),
                ConfigKey.of("ssl.keystore.password", ConfigType.PASSWORD, null, null, "the keystore's password"),
                ConfigKey.of("ssl.key.password", ConfigType.PASSWORD, null, null,
                        "the private key's password (default: the keystore's)"),
                ConfigKey.of("ssl.truststore.type", ConfigType.STRING, "JKS", storeType,
                        "format of the truststore: JKS, PKCS12 or PEM (a file of certificates)"),
                ConfigKey.of("ssl.truststore.location", ConfigType.STRING, null, null,
                        "the truststore with the certificate authorities to trust (default: the JDK's)"),
                ConfigKey.of("ssl.truststore.password", ConfigType.PASSWORD, null, null, "the truststore's password"),
                ConfigKey.of("ssl.protocol", ConfigType.STRING, "TLSv1.3", null, "the SSLContext protocol"),
                ConfigKey.of("ssl.enabled.protocols", ConfigType.LIST, List.of("TLSv1.2", "TLSv1.3"), Validator.nonEmptyList(),
                        "TLS versions allowed on a connection"),
                ConfigKey.of("ssl.cipher.suites", ConfigType.LIST, List.of(), null,
                        "cipher suites allowed (empty: the JDK's defaults)"),
                ConfigKey.of("ssl.endpoint.identification.algorithm", ConfigType.STRING, "https", null,
                        "https: a client checks the server's host name against its certificate; empty: it does not"),
                ConfigKey.of("ssl.keymanager.algorithm", ConfigType.STRING,
                        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm(), null, "the key manager factory's algorithm"),
                ConfigKey.of("ssl.trustmanager.algorithm", ConfigType.STRING,
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm(), null, "the trust manager factory's algorithm")));
        if (server) {
            keys.add(ConfigKey.of("ssl.client.auth", ConfigType.STRING, "none",
                    Validator.oneOf("none", "requested", "required"),
                    "none, requested or required: whether TLS clients are asked for a certificate (mutual TLS)"));
        }
        return List.copyOf(keys);
    }

    /** The settings out of values parsed against {@link #keys}. */
    public static TlsSettings from(ConfigValues v) {
        String clientAuth = v.def().contains("ssl.client.auth") ? v.getString("ssl.client.auth") : "none";
        return new TlsSettings(v.getString("ssl.keystore.type").toUpperCase(Locale.ROOT), blankToNull(v.getString("ssl.keystore.location")),
                v.getString("ssl.keystore.password"), v.getString("ssl.key.password"),
                v.getString("ssl.truststore.type").toUpperCase(Locale.ROOT), blankToNull(v.getString("ssl.truststore.location")),
                v.getString("ssl.truststore.password"), ClientAuth.parse(clientAuth), v.getString("ssl.protocol"),
                v.getList("ssl.enabled.protocols"), v.getList("ssl.cipher.suites"),
                v.getString("ssl.endpoint.identification.algorithm"), v.getString("ssl.keymanager.algorithm"),
                v.getString("ssl.trustmanager.algorithm"));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() { // never the passwords
        return "TlsSettings[keystore=" + keystoreType + ":" + keystoreLocation + ", truststore=" + truststoreType + ":"
                + truststoreLocation + ", clientAuth=" + clientAuth + ", protocol=" + protocol + ", enabled="
                + enabledProtocols + ", cipherSuites=" + cipherSuites + ", endpointIdentification='"
                + endpointIdentification + "']";
    }
}
