package dev.sluice.tools;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's "Try it" session, command by command, with what each prints. */
class ReadmeExampleTest extends BrokerTestBase {

    @Test
    void theReadmeSessionDescribesEveryPartitionOfTheTopic() {
        Result created = sluice("topics", "--create", "--topic", "orders", "--partitions", "3");
        assertThat(created.out()).isEqualTo("Created topic orders.\n");

        Result produced = sluiceWithInput("alice:book\nbob:pen\n", "produce", "--topic", "orders",
                "--property", "parse.key=true", "key.separator=:");
        assertThat(produced.err()).isEqualTo("Sent 2 records to topic orders.\n");

        Result consumed = sluice("consume", "--topic", "orders", "--from-beginning", "--group", "billing",
                "--timeout-ms", "3000", "--property", "print.key=true");
        assertThat(consumed.lines()).containsExactlyInAnyOrder("alice\tbook", "bob\tpen");
        assertThat(consumed.err()).contains("Processed a total of 2 messages");

        Result described = sluice("groups", "--describe", "--group", "billing");
        assertThat(described.exitCode()).as(described.err()).isZero();
        List<String> rows = described.lines().stream().filter(l -> l.startsWith("billing ")).toList();
        assertThat(rows).as(described.out()).hasSize(3);
        for (int p = 0; p < 3; p++) {
            // every partition: its committed offset equals its log end (the consumer read everything), lag 0
            assertThat(rows.get(p)).matches("billing +orders +" + p + " +(\\d+) +\\1 +0 +- +- +-");
        }
    }
}
