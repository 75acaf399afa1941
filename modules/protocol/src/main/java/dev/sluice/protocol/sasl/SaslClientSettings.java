package dev.sluice.protocol.sasl;

import java.util.Objects;

/**
 * A client's SASL login as Kafka's clients configure it: {@code sasl.mechanism} and the
 * {@code username}/{@code password} options of the PlainLoginModule or ScramLoginModule in
 * {@code sasl.jaas.config}. Immutable; {@link #toString()} hides the password.
 */
public record SaslClientSettings(String mechanism, String username, String password) {

    public SaslClientSettings {
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /**
     * From {@code sasl.mechanism} and {@code sasl.jaas.config}.
     *
     * @throws IllegalArgumentException naming the setting that is missing or wrong
     */
    public static SaslClientSettings from(String mechanism, String jaasConfig) {
        if (mechanism == null || mechanism.isBlank()) {
            throw new IllegalArgumentException("sasl.mechanism must be set (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)");
        }
        if (!mechanism.equals("PLAIN") && ScramMechanism.forName(mechanism) == null) {
            throw new IllegalArgumentException("sasl.mechanism " + mechanism
                    + " is not supported by Sluice's client: use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
        }
        if (jaasConfig == null) {
            throw new IllegalArgumentException("sasl.jaas.config must be set for sasl.mechanism " + mechanism + ", e.g. "
                    + (mechanism.equals("PLAIN") ? JaasConfig.PLAIN_LOGIN_MODULE : JaasConfig.SCRAM_LOGIN_MODULE)
                    + " required username=\"alice\" password=\"alice-secret\";");
        }
        JaasConfig jaas = JaasConfig.parse(jaasConfig);
        String expected = mechanism.equals("PLAIN") ? JaasConfig.PLAIN_LOGIN_MODULE : JaasConfig.SCRAM_LOGIN_MODULE;
        if (!jaas.loginModule().equals(expected)) {
            throw new IllegalArgumentException("sasl.jaas.config names " + jaas.loginModule() + " but sasl.mechanism "
                    + mechanism + " needs " + expected);
        }
        if (jaas.option("username") == null || jaas.option("password") == null) {
            throw new IllegalArgumentException("sasl.jaas.config needs username=\"...\" and password=\"...\"");
        }
        return new SaslClientSettings(mechanism, jaas.option("username"), jaas.option("password"));
    }

    @Override
    public String toString() {
        return "SaslClientSettings[" + mechanism + " as " + username + "]";
    }
}
