package dev.sluice.connect.runtime;

import dev.sluice.api.testing.ManualClock;
import dev.sluice.connect.api.ConnectException;
import dev.sluice.connect.api.RetriableException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retry-with-tolerance: what is retried, for how long, and what a failure that stays does to the record. */
class ErrorPolicyTest {
    private final ManualClock clock = new ManualClock();
    private final ConnectorTaskId id = new ConnectorTaskId("c", 0);

    private ErrorPolicy policy(String retryTimeout, String tolerance) {
        Map<String, String> raw = new HashMap<>(Map.of("name", "c", "connector.class", "x",
                "errors.retry.timeout", retryTimeout, "errors.tolerance", tolerance));
        return new ErrorPolicy(id, new ConnectorConfig(raw, ConnectorConfig.COMMON.def().parse(raw, new ArrayList<>())),
                null, clock, () -> false);
    }

    @Test
    void aRetriableFailureIsRetriedUntilItPasses() {
        AtomicInteger calls = new AtomicInteger();
        Attempt<String> a = policy("-1", "none").execute(Stage.VALUE_CONVERTER, (String in) -> {
            if (calls.incrementAndGet() < 3) {
                throw new RetriableException("not yet");
            }
            return in + "!";
        }, "v", null);
        assertThat(a).isEqualTo(new Attempt.Done<>("v!"));
        assertThat(calls).hasValue(3);
    }

    @Test
    void retriesStopWhenTheRetryTimeoutWouldPass() {
        AtomicInteger calls = new AtomicInteger();
        ErrorPolicy p = policy("1500", "none");
        assertThatThrownBy(() -> p.execute(Stage.TRANSFORMATION, (String in) -> {
            calls.incrementAndGet();
            clock.advance(1000); // each try takes a second
            throw new RetriableException("down");
        }, "v", null)).isInstanceOf(ConnectException.class).hasMessage("Tolerance exceeded in error handler");
        // tried at 0, failed at 1000; 300 ms later is within 1500: tried again, failed at 2000; 600 more is not
        assertThat(calls).hasValue(2);
    }

    @Test
    void anotherFailureIsNotRetriedAndSkipsTheRecordUnderToleranceAll() {
        AtomicInteger calls = new AtomicInteger();
        ErrorPolicy p = policy("-1", "all");
        Attempt<String> a = p.execute(Stage.KEY_CONVERTER, (String in) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("bad bytes");
        }, "v", null);
        assertThat(a).isInstanceOf(Attempt.Skipped.class);
        assertThat(((Attempt.Skipped<String>) a).cause()).hasMessage("bad bytes");
        assertThat(calls).hasValue(1);
        assertThat(p.failures()).isEqualTo(1);
    }
}
