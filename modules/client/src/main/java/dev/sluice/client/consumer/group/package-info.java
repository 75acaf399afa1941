/**
 * Consumer-group membership (Kafka's classic group protocol) behind
 * {@link dev.sluice.client.consumer.SluiceConsumer#subscribe}: who the coordinator is
 * ({@link dev.sluice.client.consumer.group.CoordinatorFinder}), joining and syncing on the
 * application thread inside poll ({@link dev.sluice.client.consumer.group.Rebalancer}, the leader's
 * {@link dev.sluice.client.consumer.group.LeaderAssignment}), heartbeats and the
 * {@code max.poll.interval.ms} check on the I/O thread ({@link dev.sluice.client.consumer.group.Heartbeater}),
 * committed offsets ({@link dev.sluice.client.consumer.group.OffsetCommitter}), and the facade tying
 * them to the fetcher's {@code SubscriptionState} ({@link dev.sluice.client.consumer.group.ConsumerCoordinator}).
 * The state both threads share is {@link dev.sluice.client.consumer.group.MemberState}.
 */
package dev.sluice.client.consumer.group;
