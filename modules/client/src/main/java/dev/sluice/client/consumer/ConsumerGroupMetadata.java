package dev.sluice.client.consumer;

/**
 * Who this consumer is in its group right now: generation -1 and member id {@code ""} while it is
 * not a member.
 */
public record ConsumerGroupMetadata(String groupId, int generationId, String memberId, String groupInstanceId) {
}
