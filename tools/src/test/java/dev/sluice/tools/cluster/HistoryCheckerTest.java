package dev.sluice.tools.cluster;

import dev.sluice.tools.cluster.HistoryChecker.Read;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checker on synthetic histories: a clean one passes, each kind of anomaly is caught and named. */
class HistoryCheckerTest {

    /** Sends v0..v(n-1) to partition 0 and acknowledges each at its index. */
    private static HistoryChecker acknowledgedInOrder(int n) {
        HistoryChecker checker = new HistoryChecker();
        for (int i = 0; i < n; i++) {
            checker.sent(0, "v" + i);
            checker.acknowledged("v" + i, 0, i);
        }
        return checker;
    }

    private static List<Read> log(String... values) {
        List<Read> reads = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            reads.add(new Read(0, i, values[i]));
        }
        return reads;
    }

    @Test
    void aCleanHistoryPasses() {
        HistoryChecker checker = acknowledgedInOrder(3);
        checker.read(0, 0, "v0");
        checker.read(0, 1, "v1");
        HistoryChecker.Result result = checker.check(Map.of(0, log("v0", "v1", "v2")));
        assertThat(result.ok()).as(result.toString()).isTrue();
        assertThat(result.counts()).startsWith("sent 3, acknowledged 3, failed 0, read 2, lost 0, duplicated 0");
    }

    @Test
    void unacknowledgedRecordsMayBeThereOrNot() {
        HistoryChecker checker = acknowledgedInOrder(2);
        checker.sent(0, "maybe");
        checker.failed("maybe");
        checker.sent(0, "never-answered");
        assertThat(checker.check(Map.of(0, log("v0", "v1", "maybe"))).ok()).isTrue();
        assertThat(checker.check(Map.of(0, log("v0", "v1"))).ok()).isTrue();
        assertThat(checker.check(Map.of(0, log("v0", "v1", "never-answered"))).ok()).isTrue();
    }

    @Test
    void anAcknowledgedRecordMissingIsLost() {
        HistoryChecker.Result result = acknowledgedInOrder(3).check(Map.of(0, log("v0", "v1")));
        assertThat(result.ok()).isFalse();
        assertThat(result.lost()).containsExactly("v2 (acknowledged at 0@2)");
    }

    @Test
    void aRecordTwiceInTheLogIsDuplicated() {
        HistoryChecker checker = acknowledgedInOrder(2);
        HistoryChecker.Result result = checker.check(Map.of(0, log("v0", "v1", "v1")));
        assertThat(result.ok()).isFalse();
        assertThat(result.duplicated()).containsExactly("v1 at [0@1, 0@2]");
        assertThat(result.reordered()).isEmpty();
    }

    @Test
    void anUnacknowledgedRecordTwiceIsStillDuplicated() {
        HistoryChecker checker = acknowledgedInOrder(1);
        checker.sent(0, "retried");
        checker.failed("retried");
        assertThat(checker.check(Map.of(0, log("v0", "retried", "retried"))).duplicated()).hasSize(1);
    }

    @Test
    void recordsOutOfSendOrderAreReordered() {
        HistoryChecker checker = new HistoryChecker();
        for (String v : List.of("a", "b", "c")) {
            checker.sent(0, v);
        }
        checker.acknowledged("a", 0, 0);
        checker.acknowledged("c", 0, 1);
        checker.acknowledged("b", 0, 2);
        HistoryChecker.Result result = checker.check(Map.of(0, log("a", "c", "b")));
        assertThat(result.ok()).isFalse();
        assertThat(result.reordered()).containsExactly("b at 0@2 after c at offset 1, though sent before it");
    }

    @Test
    void anAcknowledgementNamingAnotherOffsetIsMisplaced() {
        HistoryChecker checker = acknowledgedInOrder(2);
        checker.sent(0, "v2");
        checker.acknowledged("v2", 0, 7);
        HistoryChecker.Result result = checker.check(Map.of(0, log("v0", "v1", "v2")));
        assertThat(result.misplaced()).containsExactly("v2 acknowledged at 0@7 but found at [0@2]");
    }

    @Test
    void oneOffsetReadWithTwoValuesConflicts() {
        HistoryChecker checker = acknowledgedInOrder(2);
        checker.sent(0, "x");
        checker.failed("x");
        checker.read(0, 1, "x"); // one consumer saw x at offset 1, another v1
        checker.read(0, 1, "v1");
        HistoryChecker.Result result = checker.check(Map.of(0, log("v0", "v1")));
        assertThat(result.ok()).isFalse();
        assertThat(result.conflicting()).contains("0@1 read as x and as v1");
    }

    @Test
    void aReadRecordReplacedLaterConflictsWithTheFinalLog() {
        HistoryChecker checker = acknowledgedInOrder(1);
        checker.sent(0, "unacked");
        checker.sent(0, "other");
        checker.read(0, 1, "unacked"); // read, then truncated away and the offset reused
        HistoryChecker.Result result = checker.check(Map.of(0, log("v0", "other")));
        assertThat(result.conflicting()).containsExactly("0@1 read as unacked, finally holds other");
    }

    @Test
    void aReadRecordLaterGoneVanished() {
        HistoryChecker checker = acknowledgedInOrder(1);
        checker.sent(0, "unacked");
        checker.read(0, 1, "unacked"); // a consumer saw it: it must stay, acknowledged or not
        HistoryChecker.Result result = checker.check(Map.of(0, log("v0")));
        assertThat(result.ok()).isFalse();
        assertThat(result.vanished()).containsExactly("unacked read at 0@1 is gone");
    }

    @Test
    void aRecordNeverSentOrInAnotherPartitionIsUnexpected() {
        HistoryChecker checker = acknowledgedInOrder(1);
        checker.sent(1, "for-one");
        HistoryChecker.Result result = checker.check(Map.of(0, log("v0", "ghost", "for-one")));
        assertThat(result.unexpected()).containsExactly("ghost at [0@1] was never sent",
                "for-one sent to partition 1 found at [0@2]");
    }

    @Test
    void partitionsAreCheckedIndependently() {
        HistoryChecker checker = new HistoryChecker();
        checker.sent(0, "a0");
        checker.sent(1, "a1");
        checker.sent(0, "b0");
        checker.sent(1, "b1");
        checker.acknowledged("a0", 0, 0);
        checker.acknowledged("b0", 0, 1);
        checker.acknowledged("a1", 1, 0);
        checker.acknowledged("b1", 1, 1);
        HistoryChecker.Result result = checker.check(Map.of(0, List.of(new Read(0, 0, "a0"), new Read(0, 1, "b0")),
                1, List.of(new Read(1, 0, "a1"), new Read(1, 1, "b1"))));
        assertThat(result.ok()).as(result.toString()).isTrue();
        assertThat(checker.check(Map.of(0, List.of(new Read(0, 0, "a0"), new Read(0, 1, "b0")))).lost())
                .containsExactlyInAnyOrder("a1 (acknowledged at 1@0)", "b1 (acknowledged at 1@1)");
    }

    @Test
    void valuesMustBeUnique() {
        HistoryChecker checker = new HistoryChecker();
        checker.sent(0, "same");
        assertThatThrownBy(() -> checker.sent(0, "same")).isInstanceOf(IllegalArgumentException.class);
    }
}
