package dev.sluice.broker.group;

import dev.sluice.api.Scheduler;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One member of a classic group, with the answers it is waiting for. Guarded by its group's lock.
 */
final class GroupMember {
    final String memberId;
    final String groupInstanceId;
    String clientId;
    String clientHost;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    List<JoinProtocol> protocols;
    byte[] assignment = SyncResult.NO_ASSIGNMENT;

    /** Set while its JoinGroup is parked until the rebalance completes. */
    Consumer<JoinResult> awaitingJoin;
    /** Set while its SyncGroup is parked until the leader's assignment arrives. */
    Consumer<SyncResult> awaitingSync;

    /** Session expiry: a new schedule bumps the epoch so an older timer that already fired does nothing. */
    Scheduler.Task sessionTimer;
    long sessionEpoch;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int sessionTimeoutMs,
                int rebalanceTimeoutMs, List<JoinProtocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    /** The same static member under a new member id (a restarted instance), keeping its assignment. */
    GroupMember withMemberId(String newMemberId) {
        GroupMember copy = new GroupMember(newMemberId, groupInstanceId, clientId, clientHost, sessionTimeoutMs,
                rebalanceTimeoutMs, protocols);
        copy.assignment = assignment;
        return copy;
    }

    /** Answers its parked JoinGroup/SyncGroup, if any, with {@code error}. */
    void failParked(dev.sluice.protocol.Errors error) {
        if (awaitingJoin != null) {
            Consumer<JoinResult> callback = awaitingJoin;
            awaitingJoin = null;
            callback.accept(JoinResult.error(error, memberId));
        }
        if (awaitingSync != null) {
            Consumer<SyncResult> callback = awaitingSync;
            awaitingSync = null;
            callback.accept(SyncResult.error(error));
        }
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    boolean supports(String protocol) {
        return protocols.stream().anyMatch(p -> p.name().equals(protocol));
    }

    /** Its metadata for {@code protocol}, or empty if it does not support it. */
    byte[] metadata(String protocol) {
        return protocols.stream().filter(p -> p.name().equals(protocol)).map(JoinProtocol::metadata).findFirst()
                .orElse(SyncResult.NO_ASSIGNMENT);
    }

    /** Same protocols, in the same order, with the same metadata: a rejoin that changes nothing. */
    boolean matches(List<JoinProtocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            JoinProtocol a = protocols.get(i);
            JoinProtocol b = other.get(i);
            if (!a.name().equals(b.name()) || !Arrays.equals(a.metadata(), b.metadata())) {
                return false;
            }
        }
        return true;
    }

    /** Its first choice among protocols every member supports. */
    String vote(java.util.Set<String> candidates) {
        return protocols.stream().map(JoinProtocol::name).filter(candidates::contains).findFirst()
                .orElseThrow(() -> new IllegalStateException("member " + memberId + " supports none of " + candidates));
    }
}
