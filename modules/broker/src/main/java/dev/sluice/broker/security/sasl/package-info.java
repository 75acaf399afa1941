/**
 * SASL authentication on SASL_PLAINTEXT and SASL_SSL listeners (issue #17): the per-connection login
 * ({@link dev.sluice.broker.security.sasl.SaslAuthenticator}, gated by
 * {@link dev.sluice.broker.security.sasl.SaslAuthentication} in front of every handler), the server
 * mechanisms PLAIN (users from the listener's JAAS {@code user_<name>} options) and SCRAM-SHA-256/512
 * (credentials from {@link dev.sluice.broker.security.sasl.ScramCredentialStore}: salted and hashed in
 * {@code /config/users/<user>}, never the password), KIP-152 re-authentication, the settings
 * ({@link dev.sluice.broker.security.sasl.SaslSettings}) and the SCRAM credential APIs.
 */
package dev.sluice.broker.security.sasl;
