package dev.sluice.broker.replica;

import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.partition.ReplicaAssignment;
import dev.sluice.broker.topic.TopicException;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Applies the controller's per-partition decisions (Kafka's ReplicaManager.becomeLeaderOrFollower
 * and stopReplicas, ZooKeeper mode):
 * <ul>
 *   <li>LeaderAndIsr: a partition changes role only with a newer leader epoch (becomeLeader records
 *   the epoch's start offset; becomeFollower points produce and fetch at the new leader). Under the
 *   same leader epoch only a newer partition epoch is taken, and it changes the replicas and ISR
 *   (and the role, if this broker's does not match yet, e.g. after a restart). An older leader
 *   epoch, or the same without a newer partition epoch, is STALE_CONTROLLER_EPOCH for that
 *   partition, as in Kafka. A replica this broker does not host yet is opened first; a broker not
 *   among the replicas answers UNKNOWN_TOPIC_OR_PARTITION, an offline log KAFKA_STORAGE_ERROR. A topic
 *   id other than the catalogue's is either the id of the topic re-created in the cluster while this
 *   broker missed the deletion (the stale local topic and its data are replaced first) or a stale
 *   request about a deleted topic: INCONSISTENT_TOPIC_ID.</li>
 *   <li>StopReplica: with a leader epoch at least the partition's (or the -1/-2 sentinels) the
 *   replica is stopped and, if asked, deleted with its data; an older epoch is FENCED_LEADER_EPOCH.
 *   A partition not hosted is fine (its leftover data is removed if asked).</li>
 * </ul>
 * Each changed topic is reported to {@link PartitionManager#topicChanged} afterwards, and each
 * partition a request settled to the {@link LeadershipListener}s (leader, or resigned: follower or stopped).
 *
 * <p>Replica fetching ({@link ReplicaFetching}) follows the roles: a partition stops being fetched
 * before it becomes leader, is stopped or deleted (so nothing a fetcher appends lands after the
 * change), and is fetched from its new leader once it became a follower.
 *
 * <p>Threads: request handler threads, one control request at a time (the caller's
 * {@code ControlFence} serialises them).
 */
final class LeadershipChanges {
    private static final System.Logger LOG = System.getLogger(LeadershipChanges.class.getName());
    private static final UUID ZERO_UUID = new UUID(0, 0);

    private final int localBrokerId;
    private final PartitionManager partitions;
    private volatile ReplicaFetching fetching = ReplicaFetching.NONE;
    private final List<LeadershipListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    LeadershipChanges(int localBrokerId, PartitionManager partitions) {
        this.localBrokerId = localBrokerId;
        this.partitions = partitions;
    }

    void fetching(ReplicaFetching fetching) {
        this.fetching = fetching;
    }

    ReplicaFetching fetching() {
        return fetching;
    }

    void addListener(LeadershipListener listener) {
        listeners.add(listener);
    }

    private void tell(TopicPartition tp, boolean leader, int leaderEpoch) {
        for (LeadershipListener listener : listeners) {
            try {
                if (leader) {
                    listener.becameLeader(tp, leaderEpoch);
                } else {
                    listener.resigned(tp, leaderEpoch);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "a leadership listener failed for " + tp, e);
            }
        }
    }

    List<Errors> becomeLeaderOrFollower(List<LeaderAndIsrPartition> states) {
        List<Errors> errors = new ArrayList<>(states.size());
        Set<String> changed = new TreeSet<>();
        for (LeaderAndIsrPartition state : states) {
            Errors error;
            try {
                error = apply(state);
            } catch (StorageException e) {
                partitions.storageFailed(state.topicPartition(), e);
                error = Errors.KAFKA_STORAGE_ERROR;
            }
            if (error == Errors.NONE) {
                changed.add(state.topicPartition().topic());
                tell(state.topicPartition(), state.leader() == localBrokerId, state.leaderEpoch());
            }
            errors.add(error);
        }
        changed.forEach(partitions::topicChanged);
        return errors;
    }

    private Errors apply(LeaderAndIsrPartition state) {
        TopicPartition tp = state.topicPartition();
        if (!state.replicas().contains(localBrokerId)) {
            LOG.log(System.Logger.Level.WARNING, "LeaderAndIsr for " + tp + " ignored: its replicas " + state.replicas()
                    + " do not include this broker (" + localBrokerId + ")");
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        Optional<TopicMetadata> topic = partitions.topics().get(tp.topic());
        if (topic.isEmpty() || tp.partition() < 0 || tp.partition() >= topic.get().partitions()) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (!ZERO_UUID.equals(state.topicId()) && !state.topicId().equals(topic.get().id())) {
            // the controller's topic is the store's: then the local one is a deleted topic's leftover
            Optional<TopicMetadata> recreated = partitions.topics().recreated(tp.topic(), state.topicId());
            if (recreated.isEmpty()) { // a stale request about a deleted topic (or one not known yet): refused
                LOG.log(System.Logger.Level.WARNING, "LeaderAndIsr for " + tp + " ignored: topic id " + state.topicId()
                        + " is not the local topic's " + topic.get().id());
                return Errors.INCONSISTENT_TOPIC_ID;
            }
            replaceRecreatedTopic(recreated.get());
        }
        Partition partition = partitions.partition(tp).orElse(null);
        int currentEpoch;
        if (partition == null) {
            try {
                partition = partitions.openReplica(tp);
            } catch (TopicException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot open replica " + tp + ": " + e.getMessage());
                return e.error() == TopicException.Error.UNKNOWN_TOPIC_OR_PARTITION
                        ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.KAFKA_STORAGE_ERROR;
            }
            currentEpoch = -1; // a replica new to this broker: any decision of the controller is newer
        } else {
            currentEpoch = partition.leaderEpoch();
        }
        PartitionRole role = partition.role();
        if (role instanceof PartitionRole.Offline) {
            return Errors.KAFKA_STORAGE_ERROR;
        }
        ReplicaAssignment previous = partition.isr().assignment();
        ReplicaAssignment next = new ReplicaAssignment(state.replicas(), state.isr(), state.partitionEpoch());
        if (state.leaderEpoch() > currentEpoch) {
            changeRole(partition, state);
        } else if (state.leaderEpoch() == currentEpoch
                && (previous == null || state.partitionEpoch() > previous.partitionEpoch())) {
            if (!hasRole(role, state.leader())) {
                changeRole(partition, state);
            } else if (state.leader() == localBrokerId) {
                partition.assignReplicas(followers(state), inSyncFollowers(state), state.partitionEpoch());
            }
        } else {
            LOG.log(System.Logger.Level.INFO, "LeaderAndIsr for " + tp + " ignored: leader epoch " + state.leaderEpoch()
                    + " (partition epoch " + state.partitionEpoch() + ") is not newer than the current "
                    + currentEpoch + (previous == null ? "" : " (partition epoch " + previous.partitionEpoch() + ")"));
            return Errors.STALE_CONTROLLER_EPOCH;
        }
        partition.assignment(next);
        LOG.log(System.Logger.Level.INFO, () -> tp + ": leader " + state.leader() + " in epoch " + state.leaderEpoch()
                + ", replicas " + state.replicas() + ", isr " + state.isr());
        return Errors.NONE;
    }

    /** Replaces a topic deleted and re-created while this broker missed it; its stale replicas stop being fetched first. */
    void replaceRecreatedTopic(TopicMetadata recreated) {
        List<TopicPartition> stale = partitions.all().stream().map(Partition::topicPartition)
                .filter(tp -> tp.topic().equals(recreated.name())).toList();
        fetching.unfollow(stale);
        partitions.replaceRecreatedTopic(recreated);
    }

    private void changeRole(Partition partition, LeaderAndIsrPartition state) {
        // the fetcher of the old role goes first: nothing it appends may land after the change
        fetching.unfollow(List.of(partition.topicPartition()));
        if (state.leader() == localBrokerId) {
            partition.becomeLeader(state.leaderEpoch(), followers(state), inSyncFollowers(state), state.partitionEpoch());
        } else {
            partition.becomeFollower(state.leader(), state.leaderEpoch());
            if (state.leader() >= 0) {
                fetching.follow(partition, state.leader(), state.leaderEpoch());
            }
        }
    }

    private boolean hasRole(PartitionRole role, int leader) {
        return leader == localBrokerId ? role instanceof PartitionRole.Leader
                : role instanceof PartitionRole.Follower f && f.leaderId() == leader;
    }

    private Set<Integer> followers(LeaderAndIsrPartition state) {
        Set<Integer> followers = new HashSet<>(state.replicas());
        followers.remove(localBrokerId);
        return followers;
    }

    /** The in-sync followers: ISR members that are replicas, without the leader. */
    private Set<Integer> inSyncFollowers(LeaderAndIsrPartition state) {
        Set<Integer> inSync = new HashSet<>(state.isr());
        inSync.retainAll(followers(state));
        return inSync;
    }

    List<Errors> stopReplicas(List<StopReplicaPartition> requests) {
        List<Errors> errors = new ArrayList<>(requests.size());
        Set<String> changed = new TreeSet<>();
        for (StopReplicaPartition request : requests) {
            Errors error;
            try {
                error = stop(request);
            } catch (StorageException e) {
                partitions.storageFailed(request.topicPartition(), e);
                error = Errors.KAFKA_STORAGE_ERROR;
            }
            if (error == Errors.NONE && request.delete()) {
                changed.add(request.topicPartition().topic());
            }
            if (error == Errors.NONE) {
                tell(request.topicPartition(), false, request.leaderEpoch());
            }
            errors.add(error);
        }
        changed.forEach(partitions::topicChanged);
        return errors;
    }

    private Errors stop(StopReplicaPartition request) {
        TopicPartition tp = request.topicPartition();
        Optional<Partition> hosted = partitions.partition(tp);
        if (hosted.isPresent()) {
            if (hosted.get().role() instanceof PartitionRole.Offline) {
                return Errors.KAFKA_STORAGE_ERROR;
            }
            int requested = request.leaderEpoch();
            int current = hosted.get().leaderEpoch();
            if (requested != StopReplicaPartition.NO_EPOCH && requested != StopReplicaPartition.EPOCH_DURING_DELETE
                    && requested < current) {
                LOG.log(System.Logger.Level.INFO, "StopReplica for " + tp + " ignored: leader epoch " + requested
                        + " is older than the current " + current);
                return Errors.FENCED_LEADER_EPOCH;
            }
        }
        // stopping a replica stops its fetching first; then it is deleted, if asked
        fetching.unfollow(List.of(tp));
        if (request.delete()) {
            partitions.deleteReplica(tp);
        }
        return Errors.NONE;
    }
}
