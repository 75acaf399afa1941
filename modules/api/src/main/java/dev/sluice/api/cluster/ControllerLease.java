package dev.sluice.api.cluster;

/**
 * Proof of having won a controller election: the broker, the controller epoch it won, and the
 * version of the controller-epoch record written by that win ({@code /controller_epoch}'s znode
 * version in ZooKeeper). Every controller write is conditional on that version, so the writes of a
 * controller that was deposed (a new election bumped the record) are refused as
 * {@link WriteOutcome.Fenced}, even if it does not know yet that it lost.
 */
public record ControllerLease(int brokerId, int epoch, int epochVersion) {
}
