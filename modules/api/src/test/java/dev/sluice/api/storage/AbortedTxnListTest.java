package dev.sluice.api.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-memory aborted-transaction entries: Kafka's search from the first entry a fetch can need, appends, truncation, a new log start. */
class AbortedTxnListTest {

    /** Transaction i: first offset 10i, marker 10i + 5, nothing else open. */
    private static AbortedTxnList list(int count) {
        AbortedTxnList list = new AbortedTxnList();
        for (int i = 0; i < count; i++) {
            list.append(new AbortedTxn(i, 10L * i, 10L * i + 5, 10L * i + 6));
        }
        return list;
    }

    @Test
    void theSearchAgreesWithKafkasWalkOverEveryEntry() {
        AbortedTxnList list = list(200);
        List<AbortedTxn> all = list.toList();
        for (long from = 0; from < 2000; from += 7) {
            for (long upper = from; upper < from + 40; upper += 3) {
                List<AbortedTxn> walked = new ArrayList<>();
                for (AbortedTxn e : all) { // every overlapping entry (no early stop): the search may return no fewer
                    if (e.lastOffset() >= from && e.firstOffset() < upper) {
                        walked.add(e);
                    }
                }
                assertThat(list.overlapping(from, upper)).as(from + ".." + upper).containsExactlyElementsOf(walked);
            }
        }
    }

    @Test
    void truncationAndANewLogStartDropEntriesByTheirMarker() {
        AbortedTxnList list = list(5); // markers 5, 15, 25, 35, 45
        List<AbortedTxn> before = list.toList();

        assertThat(list.truncateFrom(35)).isTrue();
        assertThat(list.truncateFrom(35)).isFalse();
        assertThat(list.dropBefore(15)).isTrue();

        assertThat(list.toList()).containsExactly(before.get(1), before.get(2));
        assertThat(list.lastMarkerOffset()).isEqualTo(25);
        assertThat(before).hasSize(5); // a copy taken earlier is unchanged
        list.append(new AbortedTxn(9, 30, 31, 32));
        assertThat(list.overlapping(0, 100)).extracting(AbortedTxn::lastOffset).containsExactly(15L, 25L, 31L);
        assertThatThrownBy(() -> list.append(new AbortedTxn(9, 30, 31, 32))).isInstanceOf(IllegalArgumentException.class);
    }
}
