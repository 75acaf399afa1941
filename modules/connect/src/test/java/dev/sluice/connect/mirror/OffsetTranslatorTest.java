package dev.sluice.connect.mirror;

import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTranslatorTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @Test
    void anOffsetAtASyncIsExactAndOnePastItResumesAfterTheSyncedCopy() {
        OffsetTranslator t = new OffsetTranslator();
        t.add(new OffsetSync(TP, 0, 10));
        t.add(new OffsetSync(TP, 100, 110));

        assertThat(t.translate(TP, 100)).isEqualTo(OptionalLong.of(110));
        // records 100..149 were consumed; record 150's copy is somewhere after 110: resume at 111, never past it
        assertThat(t.translate(TP, 150)).isEqualTo(OptionalLong.of(111));
        assertThat(t.translate(TP, 5)).isEqualTo(OptionalLong.of(11));
        assertThat(t.translate(new TopicPartition("orders", 1), 5)).isEmpty();
    }

    @Test
    void anOffsetBeforeEverySyncIsNotTranslated() {
        OffsetTranslator t = new OffsetTranslator();
        t.add(new OffsetSync(TP, 50, 60));
        assertThat(t.translate(TP, 49)).isEmpty();
    }

    @Test
    void aRecordCopiedAgainAfterARestartTranslatesToItsLaterCopy() {
        OffsetTranslator t = new OffsetTranslator();
        t.add(new OffsetSync(TP, 120, 120));
        t.add(new OffsetSync(TP, 120, 151)); // the mirror restarted from 120: copied again at 151
        t.add(new OffsetSync(TP, 120, 140)); // an older sync read late changes nothing
        assertThat(t.translate(TP, 121)).isEqualTo(OptionalLong.of(152));
    }

    @Test
    void keepsABoundedNumberOfSyncs() {
        OffsetTranslator t = new OffsetTranslator();
        for (int i = 0; i < OffsetTranslator.MAX_SYNCS + 10; i++) {
            t.add(new OffsetSync(TP, i * 10L, i * 10L + 5));
        }
        assertThat(t.translate(TP, 0)).isEmpty();
        assertThat(t.translate(TP, (OffsetTranslator.MAX_SYNCS + 9) * 10L)).isEqualTo(
                OptionalLong.of((OffsetTranslator.MAX_SYNCS + 9) * 10L + 5));
    }
}
