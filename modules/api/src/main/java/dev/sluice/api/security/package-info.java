/**
 * Security types shared by the broker, the client and plugins: who a client is
 * ({@link dev.sluice.api.security.KafkaPrincipal}), how a connection is secured
 * ({@link dev.sluice.api.security.SecurityProtocol}), and the authorization SPI
 * ({@link dev.sluice.api.security.Authorizer}, found by {@link dev.sluice.api.security.Authorizers}) with Kafka's
 * ACL model: resource types and patterns, operations, allow and deny entries
 * ({@link dev.sluice.api.security.AclBinding}) and the filters that select them.
 */
package dev.sluice.api.security;
