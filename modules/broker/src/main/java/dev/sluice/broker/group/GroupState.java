package dev.sluice.broker.group;

/**
 * A classic group's life cycle, named as Kafka shows them (ListGroups, DescribeGroups):
 * <pre>
 * Empty ──join──▶ PreparingRebalance ──all joined / rebalance timeout──▶ CompletingRebalance
 *   ▲                 ▲        │ (no member left)                          │ leader's SyncGroup
 *   └─────────────────┼────────┘                                           ▼
 *                     └──────── join of a new member, leave, expiry ─── Stable
 * Dead: deleted, or expired with no offsets left; never leaves this state.
 * </pre>
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String displayName;

    GroupState(String displayName) {
        this.displayName = displayName;
    }

    /** The name on the wire. */
    public String displayName() {
        return displayName;
    }
}
