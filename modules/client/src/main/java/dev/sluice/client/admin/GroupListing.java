package dev.sluice.client.admin;

/**
 * A consumer group as ListGroups shows it.
 *
 * @param protocolType "consumer" for consumer groups, "" for a group that only stores offsets
 * @param state        Kafka's state name: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead
 */
public record GroupListing(String groupId, String protocolType, String state) {
}
