package dev.sluice.api.security;

/** An authorizer's decision on one {@link Action}. */
public enum AuthorizationResult {
    ALLOWED,
    DENIED
}
