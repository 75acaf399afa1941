package dev.sluice.storage.testkit;

import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.AppendResult;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.TimestampOffset;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.LongStream;

import static dev.sluice.storage.testkit.TestBatches.baseOffsetsOf;
import static dev.sluice.storage.testkit.TestBatches.batch;
import static dev.sluice.storage.testkit.TestBatches.bytesOf;
import static dev.sluice.storage.testkit.TestBatches.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Appending (with and without offsets), validation of input, and reads by offset and size. */
public abstract class AppendReadContract extends LogStorageContractSupport {

    @Test
    void appendAssignsSequentialOffsetsAcrossBatchesAndCalls() {
        LogStorage log = open();
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.logEndOffset()).isZero();

        AppendResult first = log.append(batch("a", 10, 11, 12));
        AppendResult second = log.append(concat(batch("b", 20), batch("c", 30, 31)));

        assertThat(first.firstOffset()).isZero();
        assertThat(first.lastOffset()).isEqualTo(2);
        assertThat(first.batches()).isEqualTo(1);
        assertThat(second.firstOffset()).isEqualTo(3);
        assertThat(second.lastOffset()).isEqualTo(5);
        assertThat(second.batches()).isEqualTo(2);
        assertThat(second.maxTimestamp()).isEqualTo(31);
        assertThat(second.offsetOfMaxTimestamp()).isEqualTo(4);
        assertThat(log.logEndOffset()).isEqualTo(6);
        assertThat(values(readAll(log, 0))).containsExactly("a-0", "a-1", "a-2", "b-0", "c-0", "c-1");
        assertThat(offsets(readAll(log, 0))).containsExactlyElementsOf(LongStream.range(0, 6).boxed().toList());
    }

    @Test
    void storesBatchesByteForByteApartFromTheBaseOffset() {
        LogStorage log = open();
        log.append(batch("x", 1));
        ByteBuffer input = batch(7, 0L, "y", 5, 6);
        ByteBuffer expected = ByteBuffer.allocate(input.remaining()).put(input.duplicate()).flip();
        expected.putLong(RecordBatch.BASE_OFFSET_OFFSET, 1);

        log.append(input);

        assertThat(bytesOf(log.read(1, log.logEndOffset(), 1 << 20, true))).isEqualTo(expected);
    }

    @Test
    void readFromAnyOffsetStartsWithTheBatchContainingIt() {
        LogStorage log = open();
        for (int i = 0; i < 4; i++) {
            log.append(batch("b" + i, 1, 2, 3));
        }
        for (long offset = 0; offset < 12; offset++) {
            List<Long> bases = baseOffsetsOf(log.read(offset, log.logEndOffset(), 1 << 20, true));
            long containing = offset / 3 * 3;
            assertThat(bases).as("read from %d", offset).startsWith(containing).isSorted();
            assertThat(bases.get(bases.size() - 1)).isEqualTo(9);
        }
    }

    @Test
    void readAtTheLogEndIsEmptyAndOutsideTheLogIsOutOfRange() {
        LogStorage log = open();
        log.append(batch("a", 1, 2));

        assertThat(log.read(2, 2, 1 << 20, true).sizeInBytes()).isZero();
        assertThatThrownBy(() -> log.read(3, 3, 1 << 20, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.read(-1, 2, 1 << 20, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void readStopsWithinMaxBytesAtWholeBatches() {
        LogStorage log = open();
        ByteBuffer a = batch("a", 1, 2);
        ByteBuffer b = batch("b", 3, 4);
        int sizeA = a.remaining();
        int sizeB = b.remaining();
        log.append(a);
        log.append(b);
        log.append(batch("c", 5));

        assertThat(log.read(0, 5, sizeA + sizeB, false).sizeInBytes()).isEqualTo(sizeA + sizeB);
        assertThat(baseOffsetsOf(log.read(0, 5, sizeA + sizeB + 10, false))).containsExactly(0L, 2L);
        assertThat(baseOffsetsOf(log.read(0, 5, sizeA + sizeB - 1, false))).containsExactly(0L);
        assertThat(baseOffsetsOf(log.read(0, 5, sizeA + sizeB - 1, true))).as("minOneBatch only matters for the first batch")
                .containsExactly(0L);
    }

    @Test
    void minOneBatchReturnsAFirstBatchLargerThanMaxBytes() {
        LogStorage log = open();
        ByteBuffer big = batch("big", 1, 2, 3, 4, 5);
        int size = big.remaining();
        log.append(big);
        log.append(batch("next", 6));

        assertThat(log.read(0, 6, size - 1, false).sizeInBytes()).isZero();
        LogSlice one = log.read(0, 6, size - 1, true);
        assertThat(one.sizeInBytes()).isEqualTo(size);
        assertThat(baseOffsetsOf(one)).containsExactly(0L);
        assertThat(log.read(0, 6, 1, true).sizeInBytes()).isEqualTo(size);
    }

    @Test
    void readStopsBeforeMaxOffset() {
        LogStorage log = open();
        log.append(batch("a", 1, 2, 3));
        log.append(batch("b", 1, 2, 3));
        log.append(batch("c", 1, 2, 3));

        assertThat(baseOffsetsOf(log.read(0, 6, 1 << 20, true))).containsExactly(0L, 3L);
        assertThat(baseOffsetsOf(log.read(4, 9, 1 << 20, true))).containsExactly(3L, 6L);
        assertThat(log.read(3, 3, 1 << 20, true).sizeInBytes()).isZero();
    }

    @Test
    void appendWithOffsetsKeepsTheOffsetsItIsGiven() {
        LogStorage log = open();
        AppendResult result = log.appendWithOffsets(concat(batch(1, 10L, "a", 1, 2), batch(1, 12L, "b", 3)));

        assertThat(result.firstOffset()).isEqualTo(10);
        assertThat(result.lastOffset()).isEqualTo(12);
        assertThat(log.logEndOffset()).isEqualTo(13);
        assertThat(baseOffsetsOf(log.read(10, 13, 1 << 20, true))).containsExactly(10L, 12L);
        assertThat(offsets(readAll(log, 10))).containsExactly(10L, 11L, 12L);

        log.append(batch("c", 4));
        assertThat(log.logEndOffset()).isEqualTo(14);
    }

    @Test
    void appendWithOffsetsRejectsOffsetsBelowTheLogEndOrGoingBackwards() {
        LogStorage log = open();
        log.appendWithOffsets(batch(1, 0L, "a", 1, 2, 3));

        assertThatThrownBy(() -> log.appendWithOffsets(batch(1, 2L, "x", 1)))
                .isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> log.appendWithOffsets(concat(batch(1, 5L, "y", 1, 2), batch(1, 5L, "z", 1))))
                .isInstanceOf(InvalidRecordException.class);
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(values(readAll(log, 0))).containsExactly("a-0", "a-1", "a-2");
    }

    @Test
    void batchWithBadCrcIsRejectedAndNothingIsWritten() {
        ByteBuffer bad = batch("bad", 1, 2);
        bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 0x5a));
        assertRejectedWithoutWriting(concat(batch("good", 1), bad));
    }

    @Test
    void batchWithBadMagicIsRejected() {
        ByteBuffer bad = batch("bad", 1);
        bad.put(RecordBatch.MAGIC_OFFSET, (byte) 1);
        assertRejectedWithoutWriting(bad);
    }

    @Test
    void batchWhoseLengthDisagreesWithItsBytesIsRejected() {
        ByteBuffer longer = batch("long", 1);
        longer.putInt(RecordBatch.LENGTH_OFFSET, longer.getInt(RecordBatch.LENGTH_OFFSET) + 100);
        assertRejectedWithoutWriting(longer);

        ByteBuffer tiny = batch("tiny", 1);
        tiny.putInt(RecordBatch.LENGTH_OFFSET, 10);
        assertRejectedWithoutWriting(tiny);
    }

    @Test
    void truncatedInputIsRejected() {
        ByteBuffer whole = concat(batch("a", 1), batch("b", 2));
        assertRejectedWithoutWriting(whole.limit(whole.limit() - 7));
        assertRejectedWithoutWriting(ByteBuffer.allocate(20));
        assertRejectedWithoutWriting(ByteBuffer.allocate(0));
    }

    @Test
    void appendWithFactsReadsTheFactsAndFillsInTheAssignedOffsets() {
        LogStorage log = open();
        log.append(batch("a", 1));
        ByteBuffer input = concat(batch(3, 0L, "b", 5, 6), batch(3, 0L, "c", 9));
        BatchFacts facts = structureFacts(input);

        AppendResult result = log.append(input, facts);

        assertThat(result.firstOffset()).isEqualTo(1);
        assertThat(result.lastOffset()).isEqualTo(3);
        assertThat(result.batches()).isEqualTo(2);
        assertThat(result.bytes()).isEqualTo(input.remaining());
        assertThat(result.maxTimestamp()).isEqualTo(9);
        assertThat(result.offsetOfMaxTimestamp()).isEqualTo(3);
        assertThat(facts.baseOffset(0)).isEqualTo(1);
        assertThat(facts.baseOffset(1)).isEqualTo(3);
        assertThat(facts.lastOffset(1)).isEqualTo(3);
        assertThat(baseOffsetsOf(log.read(0, log.logEndOffset(), 1 << 20, true))).containsExactly(0L, 1L, 3L);
        assertThat(values(readAll(log, 0))).containsExactly("a-0", "b-0", "b-1", "c-0");
        assertThat(log.maxTimestamp()).contains(new TimestampOffset(9, 3));
        assertThat(log.epochs()).extracting(EpochEntry::epoch, EpochEntry::startOffset).contains(tuple(3, 1L));
    }

    @Test
    void appendWithFactsChecksCrcsUnlessTheFactsSayTheyWereChecked() {
        LogStorage log = open();
        log.append(batch("before", 1));
        ByteBuffer bad = batch("bad", 1, 2);
        bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 0x5a));
        ByteBuffer input = concat(batch("good", 1), bad);
        BatchFacts facts = structureFacts(input);
        long size = log.sizeInBytes();

        assertThatThrownBy(() -> log.append(input, facts)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("CRC");

        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(log.sizeInBytes()).isEqualTo(size);
        assertThat(input.getLong(input.position() + RecordBatch.BASE_OFFSET_OFFSET)).isZero(); // input unchanged
    }

    @Test
    void appendWithOffsetsAndFactsKeepsTheCarriedOffsetsAndRefusesOnesBelowTheLogEnd() {
        LogStorage log = open();
        ByteBuffer input = concat(batch(2, 5L, "a", 1, 2), batch(3, 9L, "b", 3));
        BatchFacts facts = structureFacts(input);

        AppendResult result = log.appendWithOffsets(input, facts);

        assertThat(result.firstOffset()).isEqualTo(5);
        assertThat(result.lastOffset()).isEqualTo(9);
        assertThat(log.logEndOffset()).isEqualTo(10);
        assertThat(baseOffsetsOf(log.read(5, log.logEndOffset(), 1 << 20, true))).containsExactly(5L, 9L);
        assertThat(log.epochs()).extracting(EpochEntry::epoch, EpochEntry::startOffset).contains(tuple(2, 5L), tuple(3, 9L));

        ByteBuffer stale = batch(3, 8L, "c", 4);
        assertThatThrownBy(() -> log.appendWithOffsets(stale, structureFacts(stale)))
                .isInstanceOf(InvalidRecordException.class);
        assertThat(log.logEndOffset()).isEqualTo(10);
    }

    /** What the broker's validation collects: structure checked, CRC left to the log. */
    private static BatchFacts structureFacts(ByteBuffer input) {
        BatchFacts facts = new BatchFacts();
        RecordBatch batch = new RecordBatch();
        for (int at = input.position(); at < input.limit(); at += batch.sizeInBytes()) {
            batch.wrap(input, at).validateStructure(input.limit() - at);
            facts.add(batch);
        }
        return facts;
    }

    private void assertRejectedWithoutWriting(ByteBuffer input) {
        LogStorage log = open();
        if (log.logEndOffset() == 0) {
            log.append(batch("before", 1));
        }
        long end = log.logEndOffset();
        long size = log.sizeInBytes();

        assertThatThrownBy(() -> log.append(input)).isInstanceOf(InvalidRecordException.class);

        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(log.sizeInBytes()).isEqualTo(size);
        assertThat(values(readAll(log, 0))).containsExactly("before-0");
        log.append(batch("after", 1));
        assertThat(log.logEndOffset()).isEqualTo(end + 1);
        log.truncateTo(end);
    }
}
