package dev.sluice.tools;

import dev.sluice.client.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice log-dirs}, {@code get-offsets}, {@code delete-records} and {@code quotas} against a broker. */
class AdminCommandsTest extends BrokerTestBase {

    private void produce(String topic, int records) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < records; i++) {
            lines.append("record-").append(i).append('\n');
        }
        Result produced = sluiceWithInput(lines.toString(), "produce", "--topic", topic);
        assertThat(produced.exitCode()).as(produced.err()).isZero();
    }

    @Test
    void getOffsetsAndDeleteRecordsWorkAsKafkasTools() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 2))).join();
        produce("orders", 10);
        Result latest = sluice("get-offsets", "--topic", "orders");
        assertThat(latest.exitCode()).as(latest.err()).isZero();
        assertThat(latest.lines()).hasSize(2).allMatch(l -> l.startsWith("orders:"));
        long total = latest.lines().stream().mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(':') + 1))).sum();
        assertThat(total).isEqualTo(10);
        assertThat(sluice("get-offsets", "--topic", "orders", "--time", "earliest").lines())
                .containsExactly("orders:0:0", "orders:1:0");

        // produce spreads the records (sticky partitioning): work on the partition holding the most
        String fullest = latest.lines().stream().max(java.util.Comparator.comparingLong(
                (String l) -> Long.parseLong(l.substring(l.lastIndexOf(':') + 1)))).orElseThrow();
        int p = Integer.parseInt(fullest.split(":")[1]);
        int other = 1 - p;
        long end = Long.parseLong(fullest.substring(fullest.lastIndexOf(':') + 1));
        assertThat(end).isGreaterThanOrEqualTo(5);
        Result deleted = sluice("delete-records", "--topic", "orders", "--partition", String.valueOf(p), "--offset", "2");
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(deleted.lines()).containsExactly("Executing records delete operation", "Records delete operation completed:",
                "partition: orders-" + p + "\tlow_watermark: 2");
        assertThat(sluice("get-offsets", "--topic", "orders", "--partitions", String.valueOf(p), "--time", "-2").lines())
                .containsExactly("orders:" + p + ":2");

        Path file = dir.resolve("delete.json");
        Files.writeString(file, "{\"partitions\": [{\"topic\": \"orders\", \"partition\": " + p + ", \"offset\": -1},"
                + " {\"topic\": \"orders\", \"partition\": " + other + ", \"offset\": 0}], \"version\": 1}");
        Result fromFile = sluice("delete-records", "--offset-json-file", file.toString());
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromFile.lines()).contains("partition: orders-" + p + "\tlow_watermark: " + end,
                "partition: orders-" + other + "\tlow_watermark: 0");

        Result beyond = sluice("delete-records", "--topic", "orders", "--partition", String.valueOf(other), "--offset", "1000");
        assertThat(beyond.exitCode()).isEqualTo(1);
        assertThat(beyond.err()).contains("OFFSET_OUT_OF_RANGE").contains("sluice get-offsets --topic T shows it");
        Result missing = sluice("get-offsets", "--topic", "nope");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("topic 'nope' does not exist: create it with ./sluice topics --create");
        Result noPartition = sluice("get-offsets", "--topic", "orders", "--partitions", "7");
        assertThat(noPartition.err()).contains("topic 'orders' has 2 partition(s) (0-1): there is no partition 7");
        Result badTime = sluice("get-offsets", "--topic", "orders", "--time", "yesterday");
        assertThat(badTime.exitCode()).isEqualTo(2);
        assertThat(badTime.err()).contains("--time takes latest, earliest, -1, -2 or a timestamp in ms");
    }

    @Test
    void logDirsListsTheDirectoryWithEachPartitionsSizeAsTextAndKafkasJson() {
        admin.createTopics(List.of(new NewTopic("sized", 1))).join();
        produce("sized", 5);
        String logDir = dir.resolve("data").toAbsolutePath().toString();
        Result text = sluice("log-dirs", "--describe", "--topic-list", "sized");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.lines().get(0)).matches("BROKER +LOG-DIR +ERROR +TOPIC +PARTITION +SIZE");
        assertThat(text.lines().get(1)).matches("0 +" + java.util.regex.Pattern.quote(logDir) + " +- +sized +0 +[1-9][0-9]*");
        Result json = sluice("log-dirs", "--describe", "--topic-list", "sized", "--format", "json");
        assertThat(json.out()).startsWith("{\"brokers\":[{\"broker\":0,\"logDirs\":[{\"partitions\":[{\"partition\":\"sized-0\",\"size\":")
                .contains("\"error\":null,\"logDir\":\"" + logDir + "\"").contains("\"version\":1");
        Result noBroker = sluice("log-dirs", "--describe", "--broker-list", "5");
        assertThat(noBroker.exitCode()).isEqualTo(1);
        assertThat(noBroker.err()).contains("no live broker with id [5]; the brokers are [0]");
        assertThat(sluice("log-dirs").err()).contains("--describe is required");
    }

    @Test
    void logDirsMovesAPartitionToAnotherDirectoryOfTheBroker() throws Exception {
        admin.close();
        broker.close(); // again with two log directories
        Path first = dir.resolve("data");
        Path second = dir.resolve("data2");
        broker = dev.sluice.broker.Broker.start(dev.sluice.broker.config.BrokerConfig.of(java.util.Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:" + freePort(), "log.dirs", first + "," + second,
                "num.io.threads", "2", "num.network.threads", "1")));
        bootstrap = broker.bootstrapServers();
        admin = new dev.sluice.client.admin.SluiceAdmin(dev.sluice.client.admin.AdminConfig.of(bootstrap));
        admin.createTopics(List.of(new NewTopic("moving", 1))).join();
        produce("moving", 20);
        String before = sluice("log-dirs", "--describe", "--topic-list", "moving").lines().get(1);
        Path target = before.contains(second.toString()) ? first : second;

        Result moved = sluice("log-dirs", "--move", "moving:0", "--to", target.toString(), "--wait");
        assertThat(moved.exitCode()).as(moved.err()).isZero();
        assertThat(moved.lines()).containsExactly(
                "Successfully started moving log directory to " + target + " for replica moving-0 with broker 0",
                "Moved 1 partition(s) to " + target + ".");
        List<String> after = sluice("log-dirs", "--describe", "--topic-list", "moving").lines();
        assertThat(after).hasSize(3); // the header, the partition in the target, the other directory empty
        assertThat(after).anyMatch(l -> l.matches("0 +" + java.util.regex.Pattern.quote(target.toString()) + " +- +moving +0 +[1-9][0-9]*"));
        Path source = target.equals(first) ? second : first;
        assertThat(after).anyMatch(l -> l.matches("0 +" + java.util.regex.Pattern.quote(source.toString()) + " +- +- +- +-"));

        Result nowhere = sluice("log-dirs", "--move", "moving:0", "--to", dir.resolve("nowhere").toString());
        assertThat(nowhere.exitCode()).isEqualTo(1);
        assertThat(nowhere.err()).contains("Cannot move moving-0 of broker 0 to " + dir.resolve("nowhere") + ": LOG_DIR_NOT_FOUND");
        assertThat(sluice("log-dirs", "--move", "moving:0").err()).contains("--move needs --to DIR");
        assertThat(sluice("log-dirs", "--move", "moving", "--to", first.toString()).err()).contains("topic:partition pairs");
    }

    @Test
    void quotasAreSetDescribedAndRemovedWithKafkaConfigsWords() {
        assertThat(sluice("quotas", "--describe").lines()).containsExactly("No quotas are set.");
        Result set = sluice("quotas", "--alter", "--client-id", "reporting", "--add-config",
                "producer_byte_rate=1048576,consumer_byte_rate=2097152");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.lines()).containsExactly("Completed updating quotas for client-id 'reporting'.");
        assertThat(sluice("quotas", "--alter", "--user-default", "--add-config", "request_percentage=50").exitCode()).isZero();
        assertThat(sluice("quotas", "--alter", "--user", "alice", "--client-default", "--add-config",
                "producer_byte_rate=1000").exitCode()).isZero();
        assertThat(sluice("quotas", "--describe").lines()).containsExactly(
                "Quota configs for client-id 'reporting' are consumer_byte_rate=2097152.0, producer_byte_rate=1048576.0",
                "Quota configs for the default user-principal are request_percentage=50.0",
                "Quota configs for user-principal 'alice', the default client-id are producer_byte_rate=1000.0");
        assertThat(sluice("quotas", "--describe", "--client-id", "reporting").lines()).containsExactly(
                "Quota configs for client-id 'reporting' are consumer_byte_rate=2097152.0, producer_byte_rate=1048576.0");

        assertThat(sluice("quotas", "--alter", "--client-id", "reporting", "--delete-config", "producer_byte_rate").exitCode()).isZero();
        assertThat(sluice("quotas", "--describe", "--client-id", "reporting").lines()).containsExactly(
                "Quota configs for client-id 'reporting' are consumer_byte_rate=2097152.0");

        Result unknown = sluice("quotas", "--alter", "--client-id", "x", "--add-config", "producer_rate=5");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("Unknown quota key 'producer_rate': Sluice enforces producer_byte_rate");
        Result notNumber = sluice("quotas", "--alter", "--client-id", "x", "--add-config", "producer_byte_rate=fast");
        assertThat(notNumber.exitCode()).isEqualTo(2);
        assertThat(notNumber.err()).contains("a quota is a number");
        Result noEntity = sluice("quotas", "--alter", "--add-config", "producer_byte_rate=5");
        assertThat(noEntity.exitCode()).isEqualTo(2);
        assertThat(noEntity.err()).contains("--alter needs the entity: --user U, --user-default, --client-id C and/or --client-default");
    }
}
