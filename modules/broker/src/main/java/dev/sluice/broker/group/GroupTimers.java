package dev.sluice.broker.group;

import dev.sluice.api.Scheduler;

/**
 * The coordinator's timers on one {@link Scheduler} and their two kinds of deadline: a group's
 * rebalance timer (initial delay, join timeout, sync timeout: one at a time) and each member's
 * session. Every schedule bumps an epoch, so a timer that fired just as it was replaced finds
 * itself stale and does nothing. Tasks run on the scheduler's thread under the group's lock;
 * scheduling and cancelling happen on request threads, also under the group's lock.
 */
final class GroupTimers implements AutoCloseable {
    private final Scheduler executor;

    /** @param scheduler owned from here on: closed with the timers */
    GroupTimers(Scheduler scheduler) {
        this.executor = scheduler;
    }

    /** Replaces the group's rebalance timer: {@code task} runs under the group lock after {@code delayMs}. */
    void rebalance(ClassicGroup group, long delayMs, Runnable task) {
        cancelRebalance(group);
        long epoch = group.timerEpoch;
        group.rebalanceTimer = executor.schedule(() -> {
            synchronized (group) {
                if (group.timerEpoch == epoch) {
                    group.rebalanceTimer = null;
                    task.run();
                }
            }
        }, delayMs);
    }

    void cancelRebalance(ClassicGroup group) {
        group.timerEpoch++;
        if (group.rebalanceTimer != null) {
            group.rebalanceTimer.cancel();
            group.rebalanceTimer = null;
        }
    }

    /** (Re)starts the member's session: {@code onExpiry} runs under the group lock unless renewed or cancelled first. */
    void session(ClassicGroup group, GroupMember member, Runnable onExpiry) {
        cancelSession(member);
        long epoch = member.sessionEpoch;
        member.sessionTimer = executor.schedule(() -> {
            synchronized (group) {
                if (member.sessionEpoch == epoch) {
                    onExpiry.run();
                }
            }
        }, member.sessionTimeoutMs);
    }

    void cancelSession(GroupMember member) {
        member.sessionEpoch++;
        Scheduler.Task t = member.sessionTimer;
        if (t != null) {
            t.cancel();
            member.sessionTimer = null;
        }
    }

    /** A one-off task under the group lock. */
    void after(ClassicGroup group, long delayMs, Runnable task) {
        executor.schedule(() -> {
            synchronized (group) {
                task.run();
            }
        }, delayMs);
    }

    @Override
    public void close() {
        executor.close();
    }
}
