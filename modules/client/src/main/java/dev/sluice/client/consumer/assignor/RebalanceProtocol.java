package dev.sluice.client.consumer.assignor;

/**
 * How a member gives up partitions in a rebalance. EAGER: everything is revoked before joining.
 * COOPERATIVE: members keep what they own; the assignor leaves a partition that changes owner
 * unassigned, its owner revokes it, and a second rebalance hands it to the new owner.
 */
public enum RebalanceProtocol {
    EAGER, COOPERATIVE
}
