/**
 * Security types shared by the broker, the client and plugins: who a client is
 * ({@link dev.sluice.api.security.KafkaPrincipal}) and how a connection is secured
 * ({@link dev.sluice.api.security.SecurityProtocol}).
 */
package dev.sluice.api.security;
