package dev.sluice.tools;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.ListedOffset;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.OffsetSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** perf-produce and perf-consume print Kafka's lines and really move the records. */
class PerfCommandsTest extends BrokerTestBase {
    private static final String TOTAL = "\\d+ records sent, \\d+\\.\\d{6} records/sec \\(\\d+\\.\\d{2} MB/sec\\), "
            + "\\d+\\.\\d{2} ms avg latency, \\d+\\.\\d{2} ms max latency, \\d+ ms 50th, \\d+ ms 95th, \\d+ ms 99th, \\d+ ms 99\\.9th\\.";
    private static final String HEADER = "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
            + "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";
    private static final String DATE = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}:\\d{3}";

    @Test
    void producesThenConsumesWithKafkasOutput() {
        admin.createTopics(List.of(new NewTopic("perf", 2))).join();
        Result produced = sluice("perf-produce", "--topic", "perf", "--num-records", "20000", "--record-size", "100",
                "--throughput", "-1", "--producer-props", "acks=1", "linger.ms=2", "--print-metrics");
        assertThat(produced.exitCode()).as(produced.err()).isZero();
        assertThat(produced.lines().get(0)).matches(TOTAL).startsWith("20000 records sent, ");
        assertThat(produced.out()).contains("Metric Name").containsPattern("producer-metrics:record-send-total:\\{client-id=perf-producer-client} +: 20000\\.000");
        assertThat(endOffset(0) + endOffset(1)).isEqualTo(20_000);

        Result consumed = sluice("perf-consume", "--topic", "perf", "--messages", "20000");
        assertThat(consumed.exitCode()).as(consumed.err()).isZero();
        assertThat(consumed.lines()).hasSize(2);
        assertThat(consumed.lines().get(0)).isEqualTo(HEADER);
        assertThat(consumed.lines().get(1)).matches(DATE + ", " + DATE + ", 1\\.9073, \\d+\\.\\d{4}, 20000, \\d+\\.\\d{4}, 0, \\d+, \\d+\\.\\d{4}, \\d+\\.\\d{4}");

        Result inGroup = sluice("perf-consume", "--topic", "perf", "--messages", "20000", "--group", "bench", "--hide-header");
        assertThat(inGroup.exitCode()).as(inGroup.err()).isZero();
        assertThat(inGroup.lines()).singleElement().asString().matches(DATE + ", " + DATE + ", 1\\.9073, .*, 20000, .*, \\d+, \\d+, .*");
        assertThat(admin.listGroups().join()).extracting(g -> g.groupId()).containsExactly("bench");

        // --timeout is the longest gap between records (Kafka's meaning): long enough that a loaded machine
        // still reads all 20,000 before it, so the only gap that ends the run is the one after the last
        Result tooMany = sluice("perf-consume", "--topic", "perf", "--messages", "30000", "--timeout", "2000", "--hide-header");
        assertThat(tooMany.lines().get(0)).startsWith("WARNING: Exiting before consuming the expected number of messages: timeout (2000 ms) exceeded.");
        assertThat(tooMany.lines().get(1)).contains(", 20000, ");
    }

    @Test
    void throttlesToTheRequestedThroughput() {
        admin.createTopics(List.of(new NewTopic("perf", 1))).join();
        long start = System.nanoTime();
        Result produced = sluice("perf-produce", "--topic", "perf", "--num-records", "100", "--record-size", "10",
                "--throughput", "200");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(produced.exitCode()).as(produced.err()).isZero();
        assertThat(elapsedMs).isGreaterThanOrEqualTo(400); // 100 records at 200/s
        assertThat(produced.out()).matches(TOTAL + "\n");
        assertThat(endOffset(0)).isEqualTo(100);
    }

    @Test
    void optionMistakes() {
        Result noThroughput = sluice("perf-produce", "--topic", "perf", "--num-records", "1", "--record-size", "1");
        assertThat(noThroughput.exitCode()).isEqualTo(2);
        assertThat(noThroughput.err()).contains("missing --throughput").contains("usage: sluice perf-produce");
        Result badProp = sluice("perf-produce", "--topic", "perf", "--num-records", "1", "--record-size", "1",
                "--throughput", "-1", "--producer-props", "linger.ms");
        assertThat(badProp.err()).contains("--producer-props takes key=value, not 'linger.ms'");
        Result noMessages = sluice("perf-consume", "--topic", "perf");
        assertThat(noMessages.err()).contains("--messages must be given");
    }

    private long endOffset(int partition) {
        TopicPartition tp = new TopicPartition("perf", partition);
        Map<TopicPartition, ListedOffset> listed = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).join();
        return listed.get(tp).offset();
    }
}
