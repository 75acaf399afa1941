package dev.sluice.tools;

import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice consume --isolation-level} and {@code sluice transactions} against a broker with real transactions. */
class TransactionsCommandTest extends BrokerTestBase {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Result awaitListed(String id, String state) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        Result list;
        do {
            list = sluice("transactions", "list");
            if (list.out().lines().anyMatch(l -> l.startsWith(id + " ") && l.endsWith(state))) {
                return list;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return list;
    }

    @Test
    void isolationLevelsAndTheTransactionsTheCoordinatorKnows() throws Exception {
        admin.createTopics(List.of(new NewTopic("payments", 1))).join();
        long producerId;
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(bootstrap)
                .transactionalId("payments-writer").build())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(ProducerRecord.of("payments", bytes("committed-1")));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(ProducerRecord.of("payments", bytes("aborted-1")));
            producer.flush();
            producer.abortTransaction();
        }
        Result committed = sluice("consume", "--topic", "payments", "--from-beginning", "--isolation-level", "read_committed",
                "--timeout-ms", "2000");
        assertThat(committed.exitCode()).isZero();
        assertThat(committed.lines()).containsExactly("committed-1");
        Result all = sluice("consume", "--topic", "payments", "--from-beginning", "--timeout-ms", "2000");
        assertThat(all.lines()).containsExactly("committed-1", "aborted-1"); // read_uncommitted; markers never print

        Result list = awaitListed("payments-writer", "CompleteAbort");
        assertThat(list.exitCode()).isZero();
        assertThat(list.lines().get(0)).matches("TransactionalId +Coordinator +ProducerId +TransactionState");
        String row = list.lines().stream().filter(l -> l.startsWith("payments-writer ")).findFirst().orElseThrow();
        assertThat(row).matches("payments-writer +0 +\\d+ +CompleteAbort");
        producerId = Long.parseLong(row.split(" +")[2]);

        Result describe = sluice("transactions", "describe", "payments-writer");
        assertThat(describe.exitCode()).isZero();
        assertThat(describe.lines().get(0)).startsWith("CoordinatorId").contains("ProducerEpoch", "TopicPartitions");
        assertThat(describe.lines().get(1)).matches("0 +payments-writer +" + producerId + " +0 +CompleteAbort +60000 +None +None *");
        Result json = sluice("transactions", "describe", "--transactional-id", "payments-writer", "--format", "json");
        assertThat(json.out()).contains("\"transactionalId\":\"payments-writer\"", "\"state\":\"CompleteAbort\"",
                "\"producerId\":" + producerId);

        Result unknown = sluice("transactions", "describe", "no-such-writer");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no transactional id 'no-such-writer' in the cluster")
                .contains("sluice transactions list").doesNotContain("Exception");
    }
}
