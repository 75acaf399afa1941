package dev.sluice.broker.group;

import dev.sluice.api.Scheduler;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.metadata.GroupCoordinatorLookup;
import dev.sluice.broker.replica.LeadershipListener;
import dev.sluice.protocol.Errors;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which partitions of {@code __consumer_offsets} this broker coordinates, following their
 * leadership (Kafka's {@code GroupMetadataManager} ownedPartitions/loadingPartitions with
 * {@code onElection}/{@code onResignation}): on becoming leader a partition is Loading and its
 * offsets and groups are replayed from the log in the background, then it is Loaded; on resigning
 * (follower, or stopped) it is dropped at once and its groups are unloaded in the background.
 * Requests for a group answer COORDINATOR_LOAD_IN_PROGRESS while its partition loads and
 * NOT_COORDINATOR when it is not owned here ({@link #errorFor}).
 *
 * <p>Loads and unloads run in order on one loader {@link Scheduler}, so an unload always follows
 * the load it undoes; each load carries the leader epoch it was started for and is skipped, or not
 * marked Loaded, once a later change superseded it. A partition already Loading or Loaded stays so
 * when a LeaderAndIsr confirms its leadership again (Kafka keeps an owned partition too).
 *
 * <p>An offset store that keeps no topic (e.g. {@code offsets.store=lmdb}, a single node only) is
 * not partitioned: every group is coordinated here ({@link #everything}).
 *
 * <p>Threads: {@link #becameLeader} and {@link #resigned} on the request handler thread applying a
 * control request; {@link #errorFor} on any request handler thread; loads on the loader thread.
 */
public final class CoordinatorPartitions implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CoordinatorPartitions.class.getName());
    private static final String OFFSETS_TOPIC = "__consumer_offsets";

    /** A partition's ownership here; absent from the map means not owned. */
    private record Ownership(boolean loaded, int leaderEpoch) {
    }

    private final PartitionedOffsetStore store;
    private final GroupCoordinator coordinator;
    private final Scheduler loader;
    private final Map<Integer, Ownership> owned = new ConcurrentHashMap<>();
    /** The topic's partition count once known (the first leadership or the start-up load); fixed from then on. */
    private volatile int partitionCount;

    private CoordinatorPartitions(PartitionedOffsetStore store, GroupCoordinator coordinator, Scheduler loader) {
        this.store = store;
        this.coordinator = coordinator;
        this.loader = loader;
    }

    /**
     * @param loader runs loads and unloads in order (owned from here on: closed with this)
     */
    public static CoordinatorPartitions following(PartitionedOffsetStore store, GroupCoordinator coordinator,
                                                  Scheduler loader) {
        return new CoordinatorPartitions(store, coordinator, loader);
    }

    /** For a store without partitions: this broker coordinates every group. */
    public static CoordinatorPartitions everything(GroupCoordinator coordinator) {
        return new CoordinatorPartitions(null, coordinator, null);
    }

    /**
     * Start-up of a single node, which leads every partition of the topic: marks those the store
     * has loaded as Loaded here, with their leader epoch, and restores their groups.
     */
    public void loadedAtStartup(java.util.function.IntUnaryOperator leaderEpochOf) {
        if (store == null) {
            coordinator.startup();
            return;
        }
        partitionCount = store.partitionCount();
        for (int p = 0; p < partitionCount; p++) {
            owned.put(p, new Ownership(true, leaderEpochOf.applyAsInt(p)));
        }
        coordinator.startup();
    }

    /** NONE if this broker serves {@code group} now, else COORDINATOR_LOAD_IN_PROGRESS or NOT_COORDINATOR. */
    public Errors errorFor(String group) {
        if (store == null) {
            return Errors.NONE;
        }
        int count = partitionCount;
        if (count == 0) {
            return Errors.NOT_COORDINATOR;
        }
        Ownership ownership = owned.get(GroupCoordinatorLookup.partitionFor(group, count));
        if (ownership == null) {
            return Errors.NOT_COORDINATOR;
        }
        return ownership.loaded() ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
    }

    /** Whether {@code partition} is loaded and served here. */
    public boolean isLoaded(int partition) {
        Ownership ownership = owned.get(partition);
        return ownership != null && ownership.loaded();
    }

    /** This broker leads {@code partition} (of {@code partitionCount}) in {@code leaderEpoch}: load it unless owned. */
    public void becameLeader(int partition, int count, int leaderEpoch) {
        if (store == null) {
            return;
        }
        if (partitionCount == 0) {
            partitionCount = count;
        }
        Ownership started = new Ownership(false, leaderEpoch);
        if (owned.putIfAbsent(partition, started) != null) {
            return; // Loading or Loaded already
        }
        LOG.log(System.Logger.Level.INFO, "loading the groups of partition " + partition
                + " of __consumer_offsets (leader epoch " + leaderEpoch + ")");
        loader.schedule(() -> load(partition, count, started), 0);
    }

    /** This broker no longer leads {@code partition}: stop serving its groups now, unload them next. */
    public void resigned(int partition) {
        if (store == null || owned.remove(partition) == null) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "unloading the groups of partition " + partition + " of __consumer_offsets");
        loader.schedule(() -> unload(partition), 0);
    }

    private void load(int partition, int partitionCount, Ownership started) {
        if (owned.get(partition) != started) {
            return; // resigned (and maybe elected again) since: a later task takes care
        }
        long began = System.nanoTime();
        try {
            long records = store.load(partition, partitionCount);
            int groups = coordinator.restoreGroups(group -> store.partitionFor(group) == partition);
            if (owned.replace(partition, started, new Ownership(true, started.leaderEpoch()))) {
                LOG.log(System.Logger.Level.INFO, String.format("loaded %d groups from %d records of partition %d of "
                        + "__consumer_offsets in %d ms", groups, records, partition, (System.nanoTime() - began) / 1_000_000));
            }
        } catch (RuntimeException e) {
            // the partition stays Loading: its groups answer COORDINATOR_LOAD_IN_PROGRESS and clients retry
            LOG.log(System.Logger.Level.ERROR, "cannot load partition " + partition + " of __consumer_offsets", e);
        }
    }

    private void unload(int partition) {
        if (store.partitionCount() == 0) {
            return;
        }
        int groups = coordinator.unloadGroups(group -> store.partitionFor(group) == partition);
        store.unload(partition);
        if (groups > 0) {
            LOG.log(System.Logger.Level.INFO, "unloaded " + groups + " groups of partition " + partition
                    + " of __consumer_offsets");
        }
    }

    /**
     * Follows the leadership of {@code __consumer_offsets} as control requests settle it.
     *
     * @param partitionCount the topic's partition count as this broker's catalogue knows it
     */
    public LeadershipListener leadershipListener(java.util.function.IntSupplier partitionCount) {
        return new LeadershipListener() {
            @Override
            public void becameLeader(TopicPartition tp, int leaderEpoch) {
                if (tp.topic().equals(OFFSETS_TOPIC)) {
                    CoordinatorPartitions.this.becameLeader(tp.partition(), partitionCount.getAsInt(), leaderEpoch);
                }
            }

            @Override
            public void resigned(TopicPartition tp, int leaderEpoch) {
                if (tp.topic().equals(OFFSETS_TOPIC)) {
                    CoordinatorPartitions.this.resigned(tp.partition());
                }
            }
        };
    }

    @Override
    public void close() {
        if (loader != null) {
            loader.close();
        }
    }
}
