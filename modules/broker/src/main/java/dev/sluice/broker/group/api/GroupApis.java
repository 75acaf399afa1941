package dev.sluice.broker.group.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.broker.api.ApiRouter;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.group.CoordinatorPartitions;
import dev.sluice.broker.group.GroupAdmin;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.group.GroupOffsets;
import dev.sluice.broker.group.OffsetsTopicCreator;
import dev.sluice.protocol.ApiKey;

/** Registers the group coordinator's Kafka APIs (every stable version of each) with the router. */
public final class GroupApis {
    private GroupApis() {
    }

    /**
     * @param partitions which groups this broker coordinates now
     * @param offsetsTopic creates {@code __consumer_offsets} in a cluster on the first FindCoordinator; null on a single node
     */
    public static void register(ApiRouter router, GroupCoordinator coordinator, GroupOffsets offsets, BrokerState broker,
                                CoordinatorPartitions partitions, OffsetsTopicCreator offsetsTopic) {
        MembershipHandlers membership = new MembershipHandlers(coordinator);
        // NOT_COORDINATOR unless this broker coordinates the group, COORDINATOR_LOAD_IN_PROGRESS while it loads it
        CoordinatorGuard guard = new CoordinatorGuard(broker, partitions);
        OffsetHandlers offsetHandlers = new OffsetHandlers(offsets, broker, coordinator.config().maxMetadataSize(), guard);
        GroupAdminHandlers admin = new GroupAdminHandlers(new GroupAdmin(coordinator), broker, guard, offsetsTopic);

        router.register(ApiKey.FIND_COORDINATOR, admin::findCoordinator);
        router.register(ApiKey.JOIN_GROUP, guard.oneGroup(AclOperation.READ, membership::joinGroup));
        router.register(ApiKey.SYNC_GROUP, guard.oneGroup(AclOperation.READ, membership::syncGroup));
        router.register(ApiKey.HEARTBEAT, guard.heartbeat(membership::heartbeat));
        router.register(ApiKey.LEAVE_GROUP, guard.oneGroup(AclOperation.READ, membership::leaveGroup));
        router.register(ApiKey.OFFSET_COMMIT, guard.offsetCommit(offsetHandlers::offsetCommit, false));
        router.register(ApiKey.OFFSET_FETCH, guard.offsetFetch(offsetHandlers::offsetFetch));
        router.register(ApiKey.OFFSET_DELETE, guard.oneGroup(AclOperation.DELETE, offsetHandlers::offsetDelete));
        // same per-partition error shape as OffsetCommit
        TxnOffsetCommitHandler txnOffsets = new TxnOffsetCommitHandler(offsets, broker, coordinator.config().maxMetadataSize());
        router.register(ApiKey.TXN_OFFSET_COMMIT, guard.offsetCommit(txnOffsets::txnOffsetCommit, true));
        router.register(ApiKey.LIST_GROUPS, admin::listGroups);
        router.register(ApiKey.DESCRIBE_GROUPS, admin::describeGroups);
        router.register(ApiKey.DELETE_GROUPS, admin::deleteGroups);
    }
}
