package dev.sluice.broker.txn;

import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TxnRecordsTest {

    @Test
    void aStateSurvivesItsRecordWithEveryField() {
        TxnMetadata state = new TxnMetadata("app-é", 42, 41, (short) 7, (short) 6, 60_000, TxnState.PREPARE_COMMIT,
                Set.of(new TopicPartition("a", 0), new TopicPartition("a", 3), new TopicPartition("b", 1)), 1000, 2000);

        String id = TxnRecords.readKey(ByteBuffer.wrap(TxnRecords.key(state.transactionalId())));
        TxnMetadata read = TxnRecords.readValue(id, ByteBuffer.wrap(TxnRecords.value(state)));

        assertThat(id).isEqualTo("app-é");
        assertThat(read).isEqualTo(state);
    }

    @Test
    void theKeyIsKafkasTransactionLogKeyVersionZero() {
        ByteBuffer key = ByteBuffer.wrap(TxnRecords.key("t"));
        assertThat(key.getShort()).isZero();
        assertThat(key.getShort()).isEqualTo((short) 1);
        assertThat(key.get()).isEqualTo((byte) 't');
        assertThat(key.hasRemaining()).isFalse();
    }
}
