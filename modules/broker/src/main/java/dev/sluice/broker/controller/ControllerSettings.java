package dev.sluice.broker.controller;

/**
 * The controller's settings, with Kafka's names: {@code unclean.leader.election.enable},
 * {@code auto.leader.rebalance.enable}, {@code leader.imbalance.per.broker.percentage},
 * {@code leader.imbalance.check.interval.seconds} (here in ms). An immutable value.
 */
public record ControllerSettings(boolean uncleanLeaderElection, boolean autoLeaderRebalance,
                                 int leaderImbalancePercentage, long leaderImbalanceCheckIntervalMs) {
    public ControllerSettings {
        if (leaderImbalancePercentage < 0 || leaderImbalanceCheckIntervalMs < 1) {
            throw new IllegalArgumentException("leader.imbalance.per.broker.percentage " + leaderImbalancePercentage
                    + ", check interval " + leaderImbalanceCheckIntervalMs + " ms");
        }
    }

    /** Kafka's defaults: no unclean election, rebalancing on, 10 %, every 300 s. */
    public static ControllerSettings defaults() {
        return new ControllerSettings(false, true, 10, 300_000);
    }
}
