package dev.sluice.client.consumer.assignor;

import java.util.Comparator;

/**
 * The member order kafka-clients' assignors use: static members (by group.instance.id) before
 * dynamic ones (by member id). Static members sort stably across restarts, which keeps their
 * partitions with them.
 */
final class MemberOrder {
    static final Comparator<MemberSubscription> ORDER = (a, b) -> {
        if (a.groupInstanceId() != null && b.groupInstanceId() != null) {
            return a.groupInstanceId().compareTo(b.groupInstanceId());
        }
        if (a.groupInstanceId() != null) {
            return -1;
        }
        if (b.groupInstanceId() != null) {
            return 1;
        }
        return a.memberId().compareTo(b.memberId());
    };

    private MemberOrder() {
    }
}
