package dev.sluice.broker.group.api;

import dev.sluice.broker.api.ApiRouter;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.group.GroupAdmin;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.group.GroupOffsets;
import dev.sluice.protocol.ApiKey;

/** Registers the group coordinator's Kafka APIs (every stable version of each) with the router. */
public final class GroupApis {
    private GroupApis() {
    }

    public static void register(ApiRouter router, GroupCoordinator coordinator, GroupOffsets offsets, BrokerState broker) {
        MembershipHandlers membership = new MembershipHandlers(coordinator);
        OffsetHandlers offsetHandlers = new OffsetHandlers(offsets, broker, coordinator.config().maxMetadataSize());
        GroupAdminHandlers admin = new GroupAdminHandlers(new GroupAdmin(coordinator), broker);

        router.register(ApiKey.FIND_COORDINATOR, admin::findCoordinator);
        CoordinatorGuard guard = new CoordinatorGuard(broker); // NOT_COORDINATOR unless this broker coordinates the group
        router.register(ApiKey.JOIN_GROUP, guard.oneGroup(membership::joinGroup));
        router.register(ApiKey.SYNC_GROUP, guard.oneGroup(membership::syncGroup));
        router.register(ApiKey.HEARTBEAT, guard.oneGroup(membership::heartbeat));
        router.register(ApiKey.LEAVE_GROUP, guard.oneGroup(membership::leaveGroup));
        router.register(ApiKey.OFFSET_COMMIT, guard.offsetCommit(offsetHandlers::offsetCommit));
        router.register(ApiKey.OFFSET_FETCH, guard.offsetFetch(offsetHandlers::offsetFetch));
        router.register(ApiKey.OFFSET_DELETE, guard.oneGroup(offsetHandlers::offsetDelete));
        router.register(ApiKey.LIST_GROUPS, admin::listGroups);
        router.register(ApiKey.DESCRIBE_GROUPS, admin::describeGroups);
        router.register(ApiKey.DELETE_GROUPS, admin::deleteGroups);
    }
}
