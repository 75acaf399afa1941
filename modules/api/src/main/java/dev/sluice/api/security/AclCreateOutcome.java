package dev.sluice.api.security;

/** The outcome of creating one ACL (creating one that exists already is {@link Created}, as in Kafka). */
public sealed interface AclCreateOutcome {
    record Created(AclBinding binding) implements AclCreateOutcome {
    }

    record Failed(AclBinding binding, AclChangeFailure failure) implements AclCreateOutcome {
    }
}
