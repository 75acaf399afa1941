package dev.sluice.api.cluster;

/** What {@link ClusterMetadataStore#registerBroker} did. */
public sealed interface RegistrationOutcome {

    /** Registered: the broker's epoch for this registration (until its session ends). */
    record Registered(long brokerEpoch) implements RegistrationOutcome {
    }

    /** Another live session holds this broker id (two brokers configured with the same id). */
    record IdInUse(int brokerId) implements RegistrationOutcome {
    }
}
