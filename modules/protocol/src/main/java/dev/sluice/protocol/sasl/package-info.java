/**
 * SASL as Kafka carries it in SaslHandshake/SaslAuthenticate: the mechanisms' tokens (PLAIN, RFC 4616;
 * SCRAM-SHA-256/512, RFC 5802/7677), the SCRAM key derivations both sides compute, the client side of
 * an exchange ({@link dev.sluice.protocol.sasl.SaslClientMechanism}), and the JAAS-style
 * {@code sasl.jaas.config} text Kafka's clients and brokers are configured with. The broker's side of
 * an exchange lives in the broker ({@code dev.sluice.broker.security.sasl}).
 */
package dev.sluice.protocol.sasl;
