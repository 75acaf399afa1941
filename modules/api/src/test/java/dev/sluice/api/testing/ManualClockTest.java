package dev.sluice.api.testing;

import dev.sluice.api.Scheduler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ManualClockTest {
    private final ManualClock clock = new ManualClock(1_000);
    private final List<String> ran = new ArrayList<>();

    @Test
    void dueTasksRunInDeadlineOrderWithTheClockAtTheirDeadline() {
        clock.schedule(() -> ran.add("b@" + clock.milliseconds()), 20);
        clock.schedule(() -> ran.add("a@" + clock.milliseconds()), 10);
        clock.schedule(() -> ran.add("c@" + clock.milliseconds()), 20);
        clock.advance(19);
        assertThat(ran).containsExactly("a@1010");
        clock.advance(1);
        assertThat(ran).containsExactly("a@1010", "b@1020", "c@1020");
        assertThat(clock.milliseconds()).isEqualTo(1020);
        assertThat(clock.nanoseconds()).isEqualTo(20_000_000L);
    }

    @Test
    void aCancelledTaskNeverRunsAndATaskScheduledByATaskRunsInTheSameAdvance() {
        Scheduler.Task cancelled = clock.schedule(() -> ran.add("cancelled"), 5);
        clock.schedule(() -> clock.schedule(() -> ran.add("nested@" + clock.milliseconds()), 5), 5);
        cancelled.cancel();
        clock.advance(10);
        assertThat(ran).containsExactly("nested@1010");
        assertThat(cancelled.isCancelled()).isTrue();
        assertThat(clock.pending()).isZero();
    }

    @Test
    void aFixedDelayTaskRepeatsUntilCancelled() {
        Scheduler.Task task = clock.scheduleWithFixedDelay(() -> ran.add("t@" + clock.milliseconds()), 5, 10);
        clock.advance(30);
        assertThat(ran).containsExactly("t@1005", "t@1015", "t@1025");
        task.cancel();
        clock.advance(100);
        assertThat(ran).hasSize(3);
    }

    @Test
    void nothingRunsAfterClose() {
        clock.schedule(() -> ran.add("x"), 1);
        clock.close();
        assertThat(clock.schedule(() -> ran.add("y"), 1).isCancelled()).isTrue();
        clock.advance(10);
        assertThat(ran).isEmpty();
    }
}
