package dev.sluice.broker.group;

import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Committed offsets of groups: OffsetCommit's membership checks, OffsetFetch, OffsetDelete, and
 * the expiry of an empty group's offsets after {@code offsets.retention.minutes}. Offsets live in
 * the {@link OffsetStore}; a commit is answered after the store has it.
 */
public final class GroupOffsets {
    private static final System.Logger LOG = System.getLogger(GroupOffsets.class.getName());

    /**
     * What makes a stored commit safe to acknowledge: with offsets in {@code __consumer_offsets},
     * the high watermark of the group's partition passing the records (Kafka appends commits with
     * acks=all); with one replica that is the leader's append.
     */
    @FunctionalInterface
    public interface CommitAcknowledgement {
        /** Calls {@code done} with NONE once what was written for {@code group} is replicated, else the commit's error. */
        void afterWrite(String group, Consumer<Errors> done);

        /** Durable when the store returns (a node-local store). */
        CommitAcknowledgement IMMEDIATE = (group, done) -> done.accept(Errors.NONE);
    }

    private final GroupCoordinator coordinator;
    private final OffsetStore store;
    private final CommitAcknowledgement acknowledgement;

    public GroupOffsets(GroupCoordinator coordinator) {
        this(coordinator, CommitAcknowledgement.IMMEDIATE);
    }

    public GroupOffsets(GroupCoordinator coordinator, CommitAcknowledgement acknowledgement) {
        this.coordinator = coordinator;
        this.store = coordinator.store();
        this.acknowledgement = acknowledgement;
    }

    /**
     * Answers a commit {@link #commit} accepted: {@code done} gets NONE once its records are
     * replicated as acks=all requires, else the error to answer the commit with.
     */
    public void acknowledge(String groupId, Consumer<Errors> done) {
        acknowledgement.afterWrite(groupId, done);
    }

    /**
     * Kafka's rules: a commit with generation -1, no member id and no instance id comes from a
     * client that manages partitions itself and is accepted while the group has no members; any
     * other commit must come from a current member of the current generation, and not while the
     * group waits for its leader's assignment.
     *
     * @return the error for the whole commit; on NONE the offsets are stored
     */
    public Errors commit(String groupId, int generationId, String memberId, String instanceId,
                         Map<TopicPartition, CommittedOffset> offsets) {
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        String member = memberId == null ? "" : memberId;
        ClassicGroup group = coordinator.group(groupId);
        if (group == null) {
            if (generationId >= 0) {
                return Errors.ILLEGAL_GENERATION; // a generation of a group this coordinator does not know
            }
            group = coordinator.getOrCreate(groupId);
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
            if (generationId >= 0 || !member.isEmpty() || instanceId != null) {
                Errors invalid = group.validateMember(member, instanceId);
                if (invalid != Errors.NONE) {
                    return invalid;
                }
                if (generationId != group.generationId) {
                    return Errors.ILLEGAL_GENERATION;
                }
            } else if (!group.is(GroupState.EMPTY)) {
                return Errors.UNKNOWN_MEMBER_ID; // only members commit for a group that has members
            }
            if (group.is(GroupState.COMPLETING_REBALANCE)) {
                return Errors.REBALANCE_IN_PROGRESS;
            }
            if (offsets.isEmpty()) {
                return Errors.NONE;
            }
            try {
                store.commit(groupId, offsets);
            } catch (NotCoordinatorException e) {
                return Errors.NOT_COORDINATOR;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot store offsets of group " + groupId, e);
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
            return Errors.NONE;
        }
    }

    /**
     * TxnOffsetCommit (Kafka's {@code doTxnCommitOffsets}): stored as pending for the producer's
     * transaction, visible once its COMMIT marker lands ({@link TransactionalOffsets}). A member id
     * must be a current member, a generation the current one; a commit naming neither is accepted
     * (producers without group metadata, an unknown group is created empty).
     *
     * @return the error for the whole commit; on NONE the offsets are stored
     */
    public Errors txnCommit(String groupId, long producerId, int generationId, String memberId,
                            Map<TopicPartition, CommittedOffset> offsets) {
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        if (!(store instanceof TransactionalOffsets transactional)) {
            return Errors.UNSUPPORTED_VERSION; // offsets.store other than log: no markers reach it
        }
        String member = memberId == null ? "" : memberId;
        ClassicGroup group = coordinator.group(groupId);
        if (group == null) {
            if (generationId >= 0 || !member.isEmpty()) {
                return member.isEmpty() ? Errors.ILLEGAL_GENERATION : Errors.UNKNOWN_MEMBER_ID;
            }
            group = coordinator.getOrCreate(groupId);
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
            if (!member.isEmpty() && group.member(member) == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (generationId >= 0 && generationId != group.generationId) {
                return Errors.ILLEGAL_GENERATION;
            }
            if (offsets.isEmpty()) {
                return Errors.NONE;
            }
            try {
                transactional.commitPending(groupId, producerId, offsets);
            } catch (NotCoordinatorException e) {
                return Errors.NOT_COORDINATOR;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot store transactional offsets of group " + groupId, e);
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
            return Errors.NONE;
        }
    }

    /**
     * The hook of the marker path: a COMMIT or ABORT marker for {@code producerId} was appended to
     * partition {@code offsetsPartition} of {@code __consumer_offsets}.
     */
    public void transactionCompleted(int offsetsPartition, long producerId, boolean committed) {
        if (store instanceof TransactionalOffsets transactional) {
            transactional.transactionCompleted(offsetsPartition, producerId, committed);
        }
    }

    /** Whether an offset of {@code partition} is pending in a transaction of {@code groupId} (RequireStable). */
    public boolean hasPendingTransactionalOffset(String groupId, TopicPartition partition) {
        return store instanceof TransactionalOffsets transactional && transactional.hasPending(groupId, partition);
    }

    public Optional<CommittedOffset> fetch(String groupId, TopicPartition partition) {
        return store.fetch(groupId, partition);
    }

    public Map<TopicPartition, CommittedOffset> fetchAll(String groupId) {
        return store.fetchAll(groupId);
    }

    /**
     * OffsetDelete: refused for a group with members unless it is a consumer group not subscribed
     * to the topic.
     *
     * @return the group-level error, or NONE and one error per partition
     */
    public Map.Entry<Errors, Map<TopicPartition, Errors>> delete(String groupId, Set<TopicPartition> partitions) {
        ClassicGroup group = coordinator.group(groupId);
        if (group == null) {
            return Map.entry(Errors.GROUP_ID_NOT_FOUND, Map.of());
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return Map.entry(Errors.GROUP_ID_NOT_FOUND, Map.of());
            }
            Set<String> subscribed = Set.of();
            if (!group.is(GroupState.EMPTY)) {
                if (!ConsumerProtocol.TYPE.equals(group.protocolType) || group.protocolName == null) {
                    return Map.entry(Errors.NON_EMPTY_GROUP, Map.of());
                }
                subscribed = new HashSet<>();
                for (GroupMember member : group.members.values()) {
                    subscribed.addAll(ConsumerProtocol.subscribedTopics(member.metadata(group.protocolName)));
                }
            }
            Map<TopicPartition, Errors> results = new HashMap<>();
            Set<TopicPartition> deletable = new HashSet<>();
            for (TopicPartition tp : partitions) {
                if (subscribed.contains(tp.topic())) {
                    results.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                } else {
                    results.put(tp, Errors.NONE);
                    deletable.add(tp);
                }
            }
            try {
                store.delete(groupId, deletable);
            } catch (NotCoordinatorException e) {
                return Map.entry(Errors.NOT_COORDINATOR, Map.of());
            }
            return Map.entry(Errors.NONE, results);
        }
    }

    /**
     * Removes every group's offsets of the partitions {@code deleted} accepts, because their topic
     * is gone (Kafka's onPartitionsDeleted): a topic recreated under the same name starts at leader
     * epoch 0 again, and an old offset would park the group at its end. Called after DeleteTopics
     * and, for deletions a crash interrupted, at start-up with "not in the catalogue".
     *
     * @return the number of offsets removed
     */
    public int removeOffsetsOfDeletedPartitions(Predicate<TopicPartition> deleted) {
        int removed = store.deletePartitions(deleted);
        if (removed > 0) {
            LOG.log(System.Logger.Level.INFO, "removed " + removed + " committed offsets of deleted partitions");
        }
        return removed;
    }

    /**
     * Drops the offsets of groups without members once they are older than the retention (counted
     * from the commit, or from when the group became empty if later), then forgets groups left with
     * neither members nor offsets. Run periodically.
     *
     * @return the number of offsets removed
     */
    public int expireOffsets() {
        long now = coordinator.time().milliseconds();
        long retention = coordinator.config().offsetsRetentionMs();
        int removed = 0;
        for (ClassicGroup group : new ArrayList<>(coordinator.groups())) {
            synchronized (group) {
                if (!group.is(GroupState.EMPTY)) {
                    continue;
                }
                try {
                    removed += expire(group, now, retention);
                } catch (NotCoordinatorException e) {
                    // moved to another coordinator meanwhile, which expires it from now on
                }
            }
        }
        return removed;
    }

    /** Expires {@code group}'s old offsets, and the group with the last; the caller holds its lock. */
    private int expire(ClassicGroup group, long now, long retention) {
        Set<TopicPartition> expired = new HashSet<>();
        Map<TopicPartition, CommittedOffset> offsets = store.fetchAll(group.groupId);
        offsets.forEach((tp, offset) -> {
            long deadline = offset.expireTimestamp() >= 0 ? offset.expireTimestamp()
                    : Math.max(offset.commitTimestamp(), group.stateTimestamp) + retention;
            if (deadline <= now) {
                expired.add(tp);
            }
        });
        if (!expired.isEmpty()) {
            store.delete(group.groupId, expired);
            LOG.log(System.Logger.Level.INFO, "group " + group.groupId + ": expired " + expired.size() + " offsets");
        }
        if (expired.size() == offsets.size()) {
            store.deleteGroup(group.groupId);
            coordinator.remove(group);
        }
        return expired.size();
    }
}
