package dev.sluice.api.testing;

import dev.sluice.api.Scheduler;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The real scheduler: its own named thread, and a periodic task survives an exception. */
class ThreadSchedulerTest {
    @Test
    void runsOnItsThreadAndKeepsAPeriodicTaskAfterAnException() throws Exception {
        try (Scheduler scheduler = Scheduler.newThread("test-scheduler")) {
            AtomicReference<String> thread = new AtomicReference<>();
            CountDownLatch runs = new CountDownLatch(3);
            Scheduler.Task task = scheduler.scheduleWithFixedDelay(() -> {
                thread.set(Thread.currentThread().getName());
                runs.countDown();
                throw new IllegalStateException("expected by the test");
            }, 0, 1);
            assertThat(runs.await(10, TimeUnit.SECONDS)).isTrue();
            task.cancel();
            assertThat(task.isCancelled()).isTrue();
            assertThat(thread.get()).isEqualTo("test-scheduler");
        }
    }

    @Test
    void tasksScheduledAfterCloseAreCancelled() {
        Scheduler scheduler = Scheduler.newThread("test-scheduler-closed");
        scheduler.close();
        assertThat(scheduler.schedule(() -> { }, 0).isCancelled()).isTrue();
    }
}
