package dev.sluice.broker.group;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's one timer thread and its two kinds of deadline: a group's rebalance timer
 * (initial delay, join timeout, sync timeout: one at a time) and each member's session. Every
 * schedule bumps an epoch, so a timer that fired just as it was replaced finds itself stale and
 * does nothing. Tasks run under the group's lock.
 */
final class GroupTimers implements AutoCloseable {
    private final ScheduledExecutorService executor;

    GroupTimers() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sluice-group-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.executor = timer;
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
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    void cancelRebalance(ClassicGroup group) {
        group.timerEpoch++;
        if (group.rebalanceTimer != null) {
            group.rebalanceTimer.cancel(false);
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
        }, member.sessionTimeoutMs, TimeUnit.MILLISECONDS);
    }

    void cancelSession(GroupMember member) {
        member.sessionEpoch++;
        ScheduledFuture<?> t = member.sessionTimer;
        if (t != null) {
            t.cancel(false);
            member.sessionTimer = null;
        }
    }

    /** A one-off task under the group lock. */
    void after(ClassicGroup group, long delayMs, Runnable task) {
        executor.schedule(() -> {
            synchronized (group) {
                task.run();
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
