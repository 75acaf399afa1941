package dev.sluice.broker.control;

import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The fence of control requests: controller epochs never go back, an earlier incarnation's requests are refused. */
class ControlFenceTest {

    @Test
    void anOlderControllerEpochIsRefusedAndChangesNothing() {
        ControlFence fence = new ControlFence();
        AtomicInteger applied = new AtomicInteger();
        assertThat(fence.apply("r", 3, -1, applied::incrementAndGet)).isEqualTo(new Fenced.Applied<>(1));
        assertThat(fence.controllerEpoch()).isEqualTo(3);
        assertThat(fence.apply("r", 3, -1, applied::incrementAndGet)).isEqualTo(new Fenced.Applied<>(2)); // same controller again

        Fenced<Integer> stale = fence.apply("r", 2, -1, applied::incrementAndGet);
        assertThat(stale).isInstanceOf(Fenced.Refused.class);
        assertThat(((Fenced.Refused<Integer>) stale).error()).isEqualTo(Errors.STALE_CONTROLLER_EPOCH);
        assertThat(applied).hasValue(2);
        assertThat(fence.controllerEpoch()).isEqualTo(3);

        assertThat(fence.apply("r", 4, -1, applied::incrementAndGet)).isEqualTo(new Fenced.Applied<>(3));
        assertThat(fence.controllerEpoch()).isEqualTo(4);
    }

    @Test
    void aRequestForAnEarlierIncarnationOfThisBrokerIsRefused() {
        ControlFence fence = new ControlFence();
        fence.brokerEpoch(100);
        AtomicInteger applied = new AtomicInteger();
        Fenced<Integer> stale = fence.apply("r", 1, 99, applied::incrementAndGet);
        assertThat(((Fenced.Refused<Integer>) stale).error()).isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(fence.controllerEpoch()).isZero(); // a refused request records nothing
        // -1: a version without the field is not checked; a newer epoch: the controller saw our registration first
        assertThat(fence.apply("r", 1, -1, applied::incrementAndGet)).isEqualTo(new Fenced.Applied<>(1));
        assertThat(fence.apply("r", 1, 100, applied::incrementAndGet)).isEqualTo(new Fenced.Applied<>(2));
        assertThat(fence.apply("r", 1, 101, applied::incrementAndGet)).isEqualTo(new Fenced.Applied<>(3));
        // the broker epoch is checked before the controller epoch, as Kafka does
        Fenced<Integer> both = fence.apply("r", 0, 5, applied::incrementAndGet);
        assertThat(((Fenced.Refused<Integer>) both).error()).isEqualTo(Errors.STALE_BROKER_EPOCH);
    }

    @Test
    void beforeTheRegistrationARequestForAPreviousRunWaitsAndIsThenRefused() throws Exception {
        ControlFence fence = new ControlFence();
        fence.expectRegistration(10_000);
        AtomicInteger applied = new AtomicInteger();
        java.util.concurrent.CompletableFuture<Fenced<Integer>> old = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> fence.apply("LeaderAndIsr", 1, 100, applied::incrementAndGet)); // queued for the previous run
        java.util.concurrent.CompletableFuture<Fenced<Integer>> current = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> fence.apply("UpdateMetadata", 1, 120, applied::incrementAndGet)); // the controller saw us first
        Thread.sleep(200);
        assertThat(old).as("waits for this broker's epoch").isNotDone();
        assertThat(current).isNotDone();
        assertThat(applied).hasValue(0);

        fence.brokerEpoch(120);
        assertThat(((Fenced.Refused<Integer>) old.get(5, java.util.concurrent.TimeUnit.SECONDS)).error())
                .isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(current.get(5, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(Fenced.Applied.class);
        assertThat(applied).hasValue(1);
        // a request without a broker epoch (old versions) was never held
        assertThat(fence.apply("r", 1, -1, applied::incrementAndGet)).isEqualTo(new Fenced.Applied<>(2));
    }

    @Test
    void aRequestStillWithoutRegistrationAfterTheWaitIsRefused() {
        ControlFence fence = new ControlFence();
        fence.expectRegistration(50);
        AtomicInteger applied = new AtomicInteger();
        Fenced<Integer> answer = fence.apply("LeaderAndIsr", 1, 100, applied::incrementAndGet);
        assertThat(((Fenced.Refused<Integer>) answer).error()).isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(applied).hasValue(0);
    }

    @Test
    void aSingleNodeExpectsNoRegistrationAndAppliesAtOnce() {
        ControlFence fence = new ControlFence();
        AtomicInteger applied = new AtomicInteger();
        assertThat(fence.apply("r", 1, 100, applied::incrementAndGet)).isEqualTo(new Fenced.Applied<>(1));
    }
}
