package dev.sluice.tools;

import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsCommandTest extends BrokerTestBase {

    @Test
    void createListDescribeAlterDelete() {
        Result created = sluice("topics", "--create", "--topic", "orders", "--partitions", "3",
                "--config", "retention.ms=3600000", "--config", "cleanup.policy=compact");
        assertThat(created.exitCode()).isZero();
        assertThat(created.out()).isEqualTo("Created topic orders.\n");
        assertThat(admin.describeTopics(List.of("orders")).join().get("orders").partitions()).hasSize(3);
        assertThat(admin.describeConfigs(List.of(ConfigResource.topic("orders"))).join()
                .get(ConfigResource.topic("orders")).get("retention.ms").value()).isEqualTo("3600000");

        admin.createTopics(List.of(new NewTopic("audit", 1))).join();
        assertThat(sluice("topics", "--list").lines()).containsExactly("__consumer_offsets", "audit", "orders"); // as Kafka
        assertThat(sluice("topics", "--list", "--exclude-internal").lines()).containsExactly("audit", "orders");

        List<String> describe = sluice("topics", "--describe", "--topic", "orders").lines();
        assertThat(describe).hasSize(4);
        assertThat(describe.get(0)).matches("Topic: orders\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 1\t"
                + "Configs: (cleanup.policy=compact,retention.ms=3600000|retention.ms=3600000,cleanup.policy=compact)");
        assertThat(describe.get(1)).startsWith("\tTopic: orders\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0\t");
        // a compacted topic's partitions show the log cleaner's dirty ratio (nothing written yet: 0); others do not
        assertThat(describe.get(1)).endsWith("\tDirtyRatio: 0.00");
        assertThat(sluice("topics", "--describe", "--topic", "audit").lines().get(1)).doesNotContain("DirtyRatio");
        assertThat(sluice("topics", "--describe", "--exclude-internal").lines()).hasSize(2 + 4); // both topics

        Result altered = sluice("topics", "--alter", "--topic", "orders", "--partitions", "5");
        assertThat(altered.out()).isEqualTo("Topic orders now has 5 partitions (was 3).\n");
        assertThat(admin.describeTopics(List.of("orders")).join().get("orders").partitions()).hasSize(5);

        Result deleted = sluice("topics", "--delete", "--topic", "audit");
        assertThat(deleted.out()).isEqualTo("Deleted topic audit.\n");
        assertThat(admin.listTopics().join()).containsExactly("orders");
        assertThat(sluice("topics", "--list", "--exclude-internal").lines()).containsExactly("orders");
    }

    @Test
    void mistakesSayHowToFixThem() {
        sluice("topics", "--create", "--topic", "orders");
        Result again = sluice("topics", "--create", "--topic", "orders");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("topic 'orders' already exists").contains("--if-not-exists");
        assertThat(sluice("topics", "--create", "--topic", "orders", "--if-not-exists").exitCode()).isZero();

        Result missing = sluice("topics", "--delete", "--topic", "nope");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("topic 'nope' does not exist: create it with ./sluice topics --create --topic nope");

        Result shrink = sluice("topics", "--alter", "--topic", "orders", "--partitions", "1");
        assertThat(shrink.err()).contains("partitions can be added, never removed");

        Result badOption = sluice("topics", "--list", "--partitons", "3");
        assertThat(badOption.exitCode()).isEqualTo(2);
        assertThat(badOption.err()).contains("unknown option --partitons").contains("usage: sluice topics")
                .contains("sluice topics --help");

        Result twoActions = sluice("topics", "--list", "--delete");
        assertThat(twoActions.exitCode()).isEqualTo(2);
        assertThat(twoActions.err()).contains("--list and --delete cannot be combined");

        Result noNumber = sluice("topics", "--create", "--topic", "x", "--partitions", "three");
        assertThat(noNumber.err()).contains("--partitions must be a whole number, not 'three'");
    }

    @Test
    void unreachableBrokerNamesTheFix() throws Exception {
        String nobody = "127.0.0.1:" + freePort();
        for (String command : List.of("topics", "groups", "consume", "produce", "perf-produce", "perf-consume")) {
            List<String> args = switch (command) {
                case "topics", "groups" -> List.of(command, "--list");
                case "perf-produce" -> List.of(command, "--topic", "t", "--num-records", "1", "--record-size", "1", "--throughput", "-1");
                case "perf-consume" -> List.of(command, "--topic", "t", "--messages", "1");
                default -> List.of(command, "--topic", "t");
            };
            List<String> argv = new ArrayList<>(args);
            argv.add("--bootstrap-server");
            argv.add(nobody);
            Result r = run(InputStream.nullInputStream(), argv.toArray(String[]::new));
            assertThat(r.exitCode()).as(command).isEqualTo(1);
            assertThat(r.err()).as(command).isEqualTo("sluice " + command + ": cannot reach " + nobody
                    + ": is a broker running? start one with ./sluice server or pass --bootstrap-server\n");
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("topics", "produce", "consume", "groups", "perf-produce", "perf-consume")) {
            Result help = run(InputStream.nullInputStream(), command, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).as(command).startsWith("usage: sluice " + command).contains("--bootstrap-server");
        }
        assertThat(run(InputStream.nullInputStream(), "--help").out())
                .contains("topics", "produce", "consume", "groups", "perf-produce", "perf-consume");
    }
}
