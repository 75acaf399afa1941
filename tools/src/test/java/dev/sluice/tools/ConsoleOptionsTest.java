package dev.sluice.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.record.Header;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** consume's format strings, JSON records and read-only group mode; produce's acknowledgements, key separator and headers. */
class ConsoleOptionsTest extends BrokerTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void consumeWithAFormatString() {
        admin.createTopics(List.of(new NewTopic("orders", 2))).join();
        send(new ProducerRecord("orders", 1, 1_700_000_000_000L, bytes("k1"), bytes("v1"),
                List.of(new Header("src", bytes("cli")), new Header("env", bytes("test")))));
        send(new ProducerRecord("orders", 1, 1_700_000_000_001L, null, bytes("v2"), List.of()));

        Result r = sluice("consume", "--topic", "orders", "--from-beginning", "--max-messages", "2",
                "--format", "%t/%p@%o %T key=%k(%K) value=%v(%S) [%h] 100%%\\n");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("orders/1@0 1700000000000 key=k1(2) value=v1(2) [src=cli,env=test] 100%\n"
                + "orders/1@1 1700000000001 key=(-1) value=v2(2) [] 100%\n");

        Result kcatStyle = sluice("consume", "--topic", "orders", "--partition", "1", "--offset", "1", "--max-messages", "1",
                "-f", "%o:%v\\n");
        assertThat(kcatStyle.out()).isEqualTo("1:v2\n");

        Result bad = sluice("consume", "--topic", "orders", "--format", "%q");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--format: unknown %q");
        Result both = sluice("consume", "--topic", "orders", "--format", "%v", "--property", "print.key=true");
        assertThat(both.err()).contains("--format and --property cannot be combined");
    }

    @Test
    void consumeAsJson() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 1))).join();
        send(new ProducerRecord("orders", 0, 5L, bytes("k\"1"), bytes("line\nbreak"), List.of(new Header("h", bytes("x")))));
        send(new ProducerRecord("orders", 0, 6L, null, null, List.of()));
        Result r = sluice("consume", "--topic", "orders", "--from-beginning", "--max-messages", "2", "-o", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.lines();
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("offset").asLong()).isZero();
        assertThat(first.get("timestamp").asLong()).isEqualTo(5);
        assertThat(first.get("timestampType").asText()).isEqualTo("CREATE_TIME");
        assertThat(first.get("key").asText()).isEqualTo("k\"1");
        assertThat(first.get("value").asText()).isEqualTo("line\nbreak");
        assertThat(first.get("headers").get(0).get("value").asText()).isEqualTo("x");
        JsonNode second = JSON.readTree(lines.get(1));
        assertThat(second.get("key").isNull()).isTrue();
        assertThat(second.get("value").isNull()).isTrue();
    }

    @Test
    void readOnlyGroupModeStartsAtTheGroupAndNeverCommits() {
        admin.createTopics(List.of(new NewTopic("orders", 1))).join();
        for (int i = 0; i < 5; i++) {
            send(new ProducerRecord("orders", 0, null, null, bytes("v" + i), List.of()));
        }
        TopicPartition p0 = new TopicPartition("orders", 0);
        admin.alterGroupOffsets("billing", Map.of(p0, 2L)).join();

        Result peek = sluice("consume", "--topic", "orders", "--group", "billing", "--no-commit", "--max-messages", "2");
        assertThat(peek.exitCode()).as(peek.err()).isZero();
        assertThat(peek.out()).isEqualTo("v2\nv3\n");
        assertThat(admin.listGroupOffsets("billing").join()).isEqualTo(Map.of(p0, 2L)); // unchanged
        assertThat(admin.describeGroups(List.of("billing")).join().get("billing").members()).isEmpty();

        Result again = sluice("consume", "--topic", "orders", "--group", "billing", "--no-commit", "--max-messages", "1");
        assertThat(again.out()).isEqualTo("v2\n"); // still where the group is

        Result newGroup = sluice("consume", "--topic", "orders", "--group", "nobody", "--no-commit", "--from-beginning",
                "--max-messages", "1");
        assertThat(newGroup.out()).isEqualTo("v0\n");
        assertThat(admin.listGroups().join()).extracting(g -> g.groupId()).containsExactly("billing");

        Result committing = sluice("consume", "--topic", "orders", "--group", "billing", "--max-messages", "2");
        assertThat(committing.out()).isEqualTo("v2\nv3\n");
        assertThat(admin.listGroupOffsets("billing").join()).isEqualTo(Map.of(p0, 4L)); // without --no-commit it commits

        Result withoutGroup = sluice("consume", "--topic", "orders", "--no-commit");
        assertThat(withoutGroup.exitCode()).isEqualTo(2);
        assertThat(withoutGroup.err()).contains("--no-commit goes with --group");
    }

    @Test
    void produceAcknowledgesEachRecordWithKeysAndHeaders() {
        admin.createTopics(List.of(new NewTopic("orders", 2))).join();
        Result r = sluiceWithInput("a:1\nb:2,x\n", "produce", "--topic", "orders", "--partition", "1", "--key-separator", ":",
                "--header", "trace=abc,def", "--header", "env=test", "--verbose");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.lines()).hasSize(2);
        assertThat(r.lines().get(0)).matches("Produced line 1 to partition 1 at offset 0 \\(timestamp \\d+\\)");
        assertThat(r.lines().get(1)).matches("Produced line 2 to partition 1 at offset 1 \\(timestamp \\d+\\)");
        assertThat(r.err()).isEqualTo("Sent 2 records to topic orders.\n");

        Result read = sluice("consume", "--topic", "orders", "--partition", "1", "--offset", "0", "--max-messages", "2",
                "--format", "%o %k=%v %h\\n");
        assertThat(read.out()).isEqualTo("0 a=1 trace=abc,def,env=test\n1 b=2,x trace=abc,def,env=test\n");

        Result quiet = sluiceWithInput("c:3\n", "produce", "--topic", "orders", "--key-separator", ":");
        assertThat(quiet.out()).isEmpty(); // acknowledgements only with --verbose
        Result both = sluiceWithInput("", "produce", "--topic", "orders", "--key-separator", ":", "--property", "parse.key=true");
        assertThat(both.exitCode()).isEqualTo(2);
        Result badHeader = sluiceWithInput("", "produce", "--topic", "orders", "--header", "novalue");
        assertThat(badHeader.err()).contains("--header takes k=v, not 'novalue'");
    }

    private void send(ProducerRecord record) {
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(bootstrap).build())) {
            producer.send(record).join();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
