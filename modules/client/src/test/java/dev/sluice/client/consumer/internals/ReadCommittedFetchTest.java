package dev.sluice.client.consumer.internals;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partition's fetched data with transactions in it, as a broker returns it: read_committed drops
 * the batches of the aborted transactions the response names (from their first offset on, until
 * their ABORT marker) and keeps the same producer's later transaction; neither level ever returns a
 * control record.
 */
class ReadCommittedFetchTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private static byte[] data(long offset, long producerId, boolean transactional, String... values) {
        RecordBatchBuilder b = new RecordBatchBuilder(null).baseOffset(offset);
        if (producerId >= 0) {
            b.producer(producerId, (short) 0, (int) offset).transactional(transactional);
        }
        for (String v : values) {
            b.append(1_000L, null, v.getBytes(StandardCharsets.UTF_8));
        }
        return bytes(b.build());
    }

    /** A control batch: key = version 0, type (0 abort, 1 commit); value = version 0, coordinator epoch. */
    private static byte[] marker(long offset, long producerId, boolean commit) {
        ByteBuffer key = ByteBuffer.allocate(4).putShort((short) 0).putShort((short) (commit ? 1 : 0));
        ByteBuffer value = ByteBuffer.allocate(6).putShort((short) 0).putInt(5);
        return bytes(new RecordBatchBuilder(null).baseOffset(offset).producer(producerId, (short) 0, -1)
                .transactional(true).control(true).append(1_000L, key.array(), value.array()).build());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static ByteBuffer log() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(data(0, -1, false, "plain-0", "plain-1"));
        out.writeBytes(data(2, 1, true, "aborted-2", "aborted-3"));
        out.writeBytes(data(4, 2, true, "committed-4", "committed-5"));
        out.writeBytes(marker(6, 1, false));
        out.writeBytes(marker(7, 2, true));
        out.writeBytes(data(8, 1, true, "committed-8"));  // producer 1's next transaction, committed
        out.writeBytes(marker(9, 1, true));
        out.writeBytes(data(10, 3, true, "aborted-10"));
        out.writeBytes(marker(11, 3, false));
        return ByteBuffer.wrap(out.toByteArray());
    }

    private static List<String> values(CompletedFetch fetch) {
        List<ConsumerRecord> records = fetch.take(100);
        return records.stream().map(r -> r.offset() + ":" + new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void readCommittedDropsAbortedTransactionsAndNeverReturnsMarkers() {
        AbortedTransactions aborted = new AbortedTransactions(List.of(
                new AbortedTransactions.Aborted(3, 10), new AbortedTransactions.Aborted(1, 2)));
        CompletedFetch fetch = new CompletedFetch(TP, 0, log(), CompressionCodecs.installed(), aborted);
        assertThat(values(fetch)).containsExactly("0:plain-0", "1:plain-1", "4:committed-4", "5:committed-5",
                "8:committed-8");
        assertThat(fetch.position).isEqualTo(12); // past the last marker: the next fetch starts after it
        assertThat(fetch.isDrained()).isTrue();
    }

    @Test
    void readUncommittedReturnsEveryDataRecordButStillNoMarker() {
        CompletedFetch fetch = new CompletedFetch(TP, 0, log(), CompressionCodecs.installed());
        assertThat(values(fetch)).containsExactly("0:plain-0", "1:plain-1", "2:aborted-2", "3:aborted-3",
                "4:committed-4", "5:committed-5", "8:committed-8", "10:aborted-10");
        assertThat(fetch.position).isEqualTo(12);
    }

    @Test
    void aFetchStartingInsideAnAbortedTransactionStillDropsItsRest() {
        AbortedTransactions aborted = new AbortedTransactions(List.of(new AbortedTransactions.Aborted(1, 2)));
        CompletedFetch fetch = new CompletedFetch(TP, 3, log(), CompressionCodecs.installed(), aborted);
        assertThat(values(fetch)).containsExactly("4:committed-4", "5:committed-5", "8:committed-8", "10:aborted-10");
    }
}
