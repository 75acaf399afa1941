package dev.sluice.broker.cluster;

import dev.sluice.broker.partition.IsrChange;
import dev.sluice.broker.partition.IsrChangeAnswer;
import dev.sluice.broker.replica.AlterPartitionSender;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A partition leader's ISR changes as AlterPartition v2 requests (topic ids; Kafka 3.9.1's schema)
 * over the {@link ControllerLink}. The answer is read as Kafka's leader reads it
 * ({@link AlterPartitionSender#refusal}); a top-level error (STALE_BROKER_EPOCH: this broker
 * re-registered), a retriable partition error, or no answer within the timeout fails the future,
 * and the replica manager sends the change again while it is still pending.
 *
 * <p>Threads: {@link #send} from any thread; the future completes on the link's thread.
 */
public final class ControllerAlterPartitionSender implements AlterPartitionSender {
    static final short VERSION = 2;

    private final ControllerLink link;
    private final LongSupplier brokerEpoch;
    private final Function<String, Optional<UUID>> topicIds;
    private final long timeoutMs;

    /**
     * @param brokerEpoch this broker's registration epoch now
     * @param topicIds    a topic's id by name (empty if the topic is gone)
     */
    public ControllerAlterPartitionSender(ControllerLink link, LongSupplier brokerEpoch,
                                          Function<String, Optional<UUID>> topicIds, long timeoutMs) {
        this.link = link;
        this.brokerEpoch = brokerEpoch;
        this.topicIds = topicIds;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public CompletableFuture<IsrChangeAnswer> send(int leaderId, IsrChange change, List<Integer> newIsr) {
        Optional<UUID> topicId = topicIds.apply(change.topicPartition().topic());
        if (topicId.isEmpty()) {
            return CompletableFuture.completedFuture(new IsrChangeAnswer.Stale("the topic is no longer known here"));
        }
        Struct request = ApiKey.ALTER_PARTITION.newRequest().set("BrokerId", leaderId).set("BrokerEpoch", brokerEpoch.getAsLong());
        request.addStruct("Topics").set("TopicId", topicId.get()).addStruct("Partitions")
                .set("PartitionIndex", change.topicPartition().partition()).set("LeaderEpoch", change.leaderEpoch())
                .set("NewIsr", newIsr).set("PartitionEpoch", change.partitionEpoch());
        return link.send(ApiKey.ALTER_PARTITION, VERSION, request, timeoutMs).thenApply(response -> answerOf(response, change));
    }

    private static IsrChangeAnswer answerOf(Struct response, IsrChange change) {
        Errors top = Errors.forCode(response.getShort("ErrorCode"));
        if (top != Errors.NONE) {
            throw new IllegalStateException("AlterPartition for " + change.topicPartition() + " answered " + top);
        }
        for (Struct topic : response.getArray("Topics")) {
            for (Struct p : topic.getArray("Partitions")) {
                if (p.getInt("PartitionIndex") != change.topicPartition().partition()) {
                    continue;
                }
                Errors error = Errors.forCode(p.getShort("ErrorCode"));
                if (error == Errors.NONE) {
                    return new IsrChangeAnswer.Committed(p.getInt("LeaderEpoch"), p.<Integer>getList("Isr"),
                            p.getInt("PartitionEpoch"));
                }
                IsrChangeAnswer refusal = AlterPartitionSender.refusal(error, "");
                if (refusal == null) {
                    throw new IllegalStateException("AlterPartition for " + change.topicPartition() + " answered " + error);
                }
                return refusal;
            }
        }
        throw new IllegalStateException("AlterPartition answer without " + change.topicPartition());
    }
}
